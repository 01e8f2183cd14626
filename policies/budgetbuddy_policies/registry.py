"""The pack's single registry; rule modules register into it on import."""

from .framework import Registry

REGISTRY = Registry()
