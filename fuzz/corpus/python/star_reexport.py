from . import sub
from .sub import *
from ..parent import helper as aliased, other
import os.path as osp, sys
from .models import __all__ as _models_all

__all__ = ["sub", "aliased"] + sub.__all__ + _models_all


class Repo:
    pass


class Service:
    repo: Repo

    def __init__(self, repo: Repo):
        self.repo = Repo()
        self.client = make_client()

    def save(self, item):
        self.repo.save(item)
        return getattr(self, "after_save")(item)


def make_client() -> "Service":
    try:
        import json
    except ImportError:
        json = None
    global CACHE
    CACHE = {}
    with open(osp.join("a", "b")) as handle, other() as second:
        for index, (key, value) in enumerate(json.loads(handle.read()).items()):
            yield from (key, value, index)
