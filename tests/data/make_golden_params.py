"""Write .params files with real MXNet 1.9.1 (run under the oracle's interpreter).

    /tmp/mxref/bin/python tests/data/make_golden_params.py
Produces tests/data/params_*.params and params_expected.npz (the values).
"""
import os

import numpy as np
import mxnet as mx

HERE = os.path.dirname(os.path.abspath(__file__))


def arrays():
    rs = np.random.RandomState(42)
    return {
        'arg:conv0_weight': rs.uniform(-1, 1, (4, 3, 3, 3)).astype('float32'),
        'arg:fc_bias': rs.uniform(-1, 1, (10,)).astype('float64'),
        'aux:bn_moving_var': rs.uniform(0, 1, (4,)).astype('float16'),
        'u8': rs.randint(0, 255, (2, 5)).astype('uint8'),
        'i32': rs.randint(-100, 100, (3, 1, 2)).astype('int32'),
        'i8': rs.randint(-100, 100, (7,)).astype('int8'),
        'i64': rs.randint(-2**40, 2**40, (2, 2)).astype('int64'),
        'empty_rows': np.zeros((0, 3), dtype='float32'),
    }


def main():
    data = arrays()
    # 'empty_rows' is not representable in MXNet's legacy shape mode: skip it there
    nd = {k: mx.nd.array(v, dtype=v.dtype) for k, v in data.items() if k != 'empty_rows'}
    mx.nd.save(os.path.join(HERE, 'params_dict.params'), nd)
    names = sorted(nd)
    mx.nd.save(os.path.join(HERE, 'params_list.params'), [nd[k] for k in names])
    mx.nd.save(os.path.join(HERE, 'params_single.params'), nd['arg:conv0_weight'])
    np.savez(os.path.join(HERE, 'params_expected.npz'), **{k: v for k, v in data.items()
                                                             if k != 'empty_rows'})
    with open(os.path.join(HERE, 'params_list_order.txt'), 'w') as f:
        f.write('\n'.join(names) + '\n')
    print('ok')


if __name__ == '__main__':
    main()
