from .db import Pool


def handler(request):
    pool = Pool()
    return pool.get()
