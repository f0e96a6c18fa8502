"""Automatic names for symbols: ``NameManager`` and ``Prefix`` (MXNet 1.x)."""
import threading

__all__ = ['NameManager', 'Prefix']


class NameManager:
    """Gives each unnamed symbol ``<hint><n>``, counting per hint (``fullyconnected0``)."""
    _current = threading.local()

    def __init__(self):
        self._counter = {}
        self._old_manager = None

    def get(self, name, hint):
        """``name`` if given, else the next automatic name for ``hint``."""
        if name:
            return name
        n = self._counter.get(hint, 0)
        self._counter[hint] = n + 1
        return '%s%d' % (hint, n)

    def __enter__(self):
        self._old_manager = NameManager.current()
        NameManager._current.value = self
        return self

    def __exit__(self, *exc):
        NameManager._current.value = self._old_manager

    @staticmethod
    def current():
        cur = getattr(NameManager._current, 'value', None)
        if cur is None:
            cur = NameManager._current.value = NameManager()
        return cur


class Prefix(NameManager):
    """Prepends ``prefix`` to every name (given or automatic) made inside the scope."""

    def __init__(self, prefix):
        super().__init__()
        self._prefix = prefix

    def get(self, name, hint):
        return self._prefix + super().get(name, hint)
