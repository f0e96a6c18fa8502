"""``mx.operator``: user-defined operators in Python (``CustomOp``/``CustomOpProp``).

    class Sq(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], in_data[0] * in_data[0])
        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            self.assign(in_grad[0], req[0], 2 * in_data[0] * out_grad[0])

    @mx.operator.register('sq')
    class SqProp(mx.operator.CustomOpProp):
        def create_operator(self, ctx, shapes, dtypes):
            return Sq()

    y = mx.nd.Custom(x, op_type='sq')        # or mx.sym.Custom(..., op_type='sq')
"""
from .base import MXNetError
from .ops.custom import register_prop, PROPS

__all__ = ['CustomOp', 'CustomOpProp', 'register', 'get_all_registered_operators']


class CustomOp:
    """Base class of a Python operator's computation."""

    def forward(self, is_train, req, in_data, out_data, aux):
        raise MXNetError('%s must define forward()' % type(self).__name__)

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        raise MXNetError('%s must define backward()' % type(self).__name__)

    def assign(self, dst, req, src):
        """Write ``src`` into ``dst`` as ``req`` says ('write', 'inplace', 'add', 'null')."""
        if req == 'null':
            return
        if req in ('write', 'inplace'):
            dst[:] = src
        elif req == 'add':
            dst[:] = dst + src
        else:
            raise MXNetError("CustomOp.assign: req must be 'write', 'inplace', 'add' or 'null', got %r"
                             % (req,))


class CustomOpProp:
    """Describes a Python operator: its inputs, outputs and shapes."""

    def __init__(self, need_top_grad=True):
        self.need_top_grad_ = need_top_grad

    def list_arguments(self):
        return ['data']

    def list_outputs(self):
        return ['output']

    def list_auxiliary_states(self):
        return []

    def infer_shape(self, in_shape):
        """(argument shapes, output shapes, aux shapes); default: outputs like input 0."""
        return in_shape, [in_shape[0]] * len(self.list_outputs()), \
            [in_shape[0]] * len(self.list_auxiliary_states())

    def infer_type(self, in_type):
        return in_type, [in_type[0]] * len(self.list_outputs()), \
            [in_type[0]] * len(self.list_auxiliary_states())

    def infer_storage_type(self, in_stype):
        return in_stype, ['default'] * len(self.list_outputs()), \
            ['default'] * len(self.list_auxiliary_states())

    def declare_backward_dependency(self, out_grad, in_data, out_data):
        deps = []
        if self.need_top_grad_:
            deps.extend(out_grad)
        deps.extend(in_data)
        deps.extend(out_data)
        return deps

    def create_operator(self, ctx, in_shapes, in_dtypes):
        raise MXNetError('%s must define create_operator(ctx, in_shapes, in_dtypes)'
                         % type(self).__name__)


def register(reg_name):
    """Class decorator registering a CustomOpProp under ``reg_name``."""
    def do_register(prop_cls):
        if not (isinstance(prop_cls, type) and issubclass(prop_cls, CustomOpProp)):
            raise MXNetError('mx.operator.register(%r) must decorate a CustomOpProp subclass'
                             % reg_name)
        register_prop(reg_name, prop_cls)
        return prop_cls
    return do_register


def get_all_registered_operators():
    from .ops.registry import list_ops
    return list_ops()


def registered_custom_ops():
    return sorted(PROPS)
