"""``Executor.debug_str()``: a readable listing of the executor's plan."""


def describe_plan(ex):
    plan = ex._plan
    lines = ['Symbol Outputs:']
    for i, name in enumerate(ex._output_names):
        lines.append('\toutput[%d]=%s' % (i, name))
    for step in plan.forward_steps:
        n = step.node
        lines += ['--------------------', 'Op:%s, Name=%s' % (n.op.name, n.name), 'Inputs:']
        for k, (s, j) in enumerate(n.inputs):
            lines.append('\targ[%d]=%s(%d)%s' % (k, s.name, j, ' version=0' if s.is_variable else ''))
        params = n.param_strings()
        if params:
            lines.append('Attrs:')
            lines += ['\t%s=%s' % kv for kv in params.items()]
        shapes = ', '.join(str(o.shape) for o in step.outs)
        lines.append('Outputs: %s' % shapes)
    for step in plan.backward_steps:
        n = step.node
        lines += ['--------------------', 'Op:_backward_%s, Name=%s_backward' % (n.op.name, n.name)]
        writes = ', '.join('%s:%s' % (n.input_names()[j], mode) for j, _, mode in step.targets)
        lines.append('Gradients: %s' % (writes or 'none'))
    mb = plan.planned_bytes / float(1 << 20)
    lines.append('Memory: %d storage blocks; %.1f MB planned vs %.1f MB if every value had its own '
                 'buffer' % (len(plan.blocks), mb, plan.naive_bytes / float(1 << 20)))
    lines.append('Total %d MB allocated' % int(round(mb)))
    return '\n'.join(lines) + '\n'
