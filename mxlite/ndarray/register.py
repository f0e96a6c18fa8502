"""Generates ``mx.nd.<op>`` functions from the operator registry.

Namespaces follow MXNet: ``_contrib_X`` -> ``mx.nd.contrib.X``, ``_linalg_X``
-> ``mx.nd.linalg.X``, ``_image_X`` -> ``mx.nd.image.X``, other names with a
leading underscore -> ``mx.nd._internal``, the rest -> ``mx.nd``.  The same
rule (:func:`namespace_of`) serves ``mx.sym``.
"""
from ..ops.registry import list_ops, get_op

SUBMODULE_PREFIXES = (('_contrib_', 'contrib'), ('_linalg_', 'linalg'), ('_image_', 'image'),
                      ('_sparse_', 'sparse'))


def namespace_of(name):
    """(submodule or None for the top level, or '_internal'; public name)."""
    for prefix, sub in SUBMODULE_PREFIXES:
        if name.startswith(prefix):
            return sub, name[len(prefix):]
    if name.startswith('_'):
        return '_internal', name
    return None, name


def op_docstring(op, kind='NDArray'):
    """A docstring listing the operator's inputs and parameters."""
    lines = [op.doc or ('The %s operator.' % op.name), '', 'Parameters', '----------']
    args = list(op.arguments) if op.num_args_param is None else ['*data']
    for a in args + list(op.aux_states):
        lines.append('%s : %s' % (a, kind))
        lines.append('    input%s' % (' (auxiliary state)' if a in op.aux_states else ''))
    for p in op.params:
        if p.name == op.num_args_param:
            continue
        kind_s = p.kind if p.kind != 'enum' else '{%s}' % ', '.join(repr(c) for c in p.choices)
        default = 'required' if p.required else 'optional, default=%r' % (p.default,)
        lines.append('%s : %s, %s' % (p.name, kind_s, default))
        if p.doc:
            lines.append('    ' + p.doc)
    lines += ['out : %s, optional' % kind, '    The output array.', '', 'Returns', '-------',
              'out : %s or list of %ss' % (kind, kind)]
    return '\n'.join(lines)


def make_function(name, make):
    """``make(op, name)`` builds one function; returns {namespace: {name: fn}}."""
    op = get_op(name)
    fn = make(op, name)
    return namespace_of(name), fn


def populate(make, targets):
    """Fill ``targets`` ({None|'_internal'|'contrib'|...: module}) with generated functions."""
    for name in list_ops():
        (space, public), fn = make_function(name, make)
        module = targets.get(space)
        if module is None:
            continue
        if not hasattr(module, public) or getattr(getattr(module, public), '_generated', False):
            setattr(module, public, fn)
        if space is None and '_internal' in targets:
            internal = targets['_internal']
            if not hasattr(internal, public):
                setattr(internal, public, fn)
