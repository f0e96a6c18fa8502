"""``AttrScope``: attributes attached to every symbol created inside the scope."""
import threading

from .base import MXNetError

__all__ = ['AttrScope']


# Attributes MXNet stores as __key__ (and lists under both spellings).
HIDDEN_KEYS = ('ctx_group', 'lr_mult', 'wd_mult', 'force_mirroring', 'mirror_stage')


def wrap_key(key):
    """The stored spelling of a user attribute: ``lr_mult`` becomes ``__lr_mult__``."""
    return '__%s__' % key if key in HIDDEN_KEYS else key


class AttrScope:
    """``with mx.AttrScope(ctx_group='dev1'):`` -- values must be strings."""
    _current = threading.local()

    def __init__(self, **kwargs):
        for k, v in kwargs.items():
            if not isinstance(v, str):
                raise MXNetError('AttrScope: attribute %r must be a string, got %r' % (k, v))
        self._attr = {wrap_key(k): v for k, v in kwargs.items()}
        self._old_scope = None

    def get(self, attr):
        """The scope's attributes merged with ``attr`` (which wins)."""
        out = dict(self._attr)
        if attr:
            for k, v in attr.items():
                if not isinstance(v, str):
                    raise MXNetError('attribute %r must be a string, got %r' % (k, v))
                out[wrap_key(k)] = v
        return out

    def __enter__(self):
        self._old_scope = AttrScope.current()
        merged = dict(self._old_scope._attr)
        merged.update(self._attr)
        self._attr = merged
        AttrScope._current.value = self
        return self

    def __exit__(self, *exc):
        AttrScope._current.value = self._old_scope

    @staticmethod
    def current():
        cur = getattr(AttrScope._current, 'value', None)
        if cur is None:
            cur = AttrScope._current.value = AttrScope()
        return cur
