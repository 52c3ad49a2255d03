from pkg.db import connect

__all__ = ["connect"]
