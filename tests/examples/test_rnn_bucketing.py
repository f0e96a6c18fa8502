"""example/rnn/bucketing: the LSTM language model with BucketingModule, on the corpus shipped
with the example (offline) and on Penn-Treebank-named files in --data-dir."""
import math
import os
import shutil
import subprocess
import sys

import pytest

from example_env import RNN_BUCKETING, final_metric, run_script

LSTM = os.path.join(RNN_BUCKETING, 'lstm_bucketing.py')
SHIPPED = os.path.join(RNN_BUCKETING, 'data')
VOCAB = 1796                        # words of the shipped corpus, without the '\n' end mark
SMALL = ['--num-epochs', 1, '--num-layers', 1, '--num-hidden', 32, '--num-embed', 32,
         '--disp-batches', 20]


def run(script, argv, cwd):
    # seeded: the iterator shuffles (and drops a remainder of each bucket) with the global
    # generators, and the tests compare perplexities of differently drawn sentences
    res = run_script(script, argv, cwd=str(cwd), seed=0)
    assert res.returncode == 0, res.stderr[-3000:]
    return res.stderr


def test_shipped_corpus_when_ptb_is_absent(tmp_path):
    log = run(LSTM, SMALL + ['--data-dir', tmp_path / 'none', '--download', 0], tmp_path)
    notes = [line for line in log.splitlines() if 'Penn Treebank not found' in line]
    assert len(notes) == 1 and 'none' in notes[0] and '--download 0' in notes[0]
    assert not os.path.exists(tmp_path / 'none')
    assert 'pydoc: 3348 training and 360 validation sentences, vocabulary %d' % VOCAB in log
    assert 'training 1 epochs: adam, lr 0.01, wd 1e-05' in log
    for what in ('Epoch[0] Batch [0-20]\tSpeed: ', 'Epoch[0] Train-perplexity=',
                 'Epoch[0] Time cost=', 'words/sec', 'Epoch[0] Validation-perplexity='):
        assert what in log
    ppl = final_metric(log, 'Validation-perplexity')
    assert math.isfinite(ppl) and ppl < VOCAB / 3


def test_ptb_files_in_data_dir_are_used(tmp_path):
    """Files named like PTB's (here: the shipped corpus) get MXNet's defaults."""
    data = tmp_path / 'data'
    data.mkdir()
    shutil.copy(os.path.join(SHIPPED, 'pydoc.train.txt'), data / 'ptb.train.txt')
    shutil.copy(os.path.join(SHIPPED, 'pydoc.valid.txt'), data / 'ptb.test.txt')
    log = run(LSTM, SMALL + ['--batch-size', 16], tmp_path)   # --data-dir data, as MXNet
    assert 'Penn Treebank not found' not in log and 'downloaded' not in log
    assert 'PTB: 3348 training and 360 validation sentences' in log
    assert 'training 1 epochs: sgd, lr 0.01, momentum 0, wd 1e-05, batch size 16' in log
    assert math.isfinite(final_metric(log, 'Validation-perplexity'))


CUDNN = os.path.join(RNN_BUCKETING, 'cudnn_lstm_bucketing.py')


def check_save_resume_test(tmp_path, extra, tolerance):
    """Train 1 epoch saving an RNN checkpoint, resume for a second, then --test loads the
    unpacked weights into the unfused cells."""
    prefix = str(tmp_path / 'model' / 'rnn')
    argv = SMALL + ['--data-dir', tmp_path / 'none', '--download', 0, '--model-prefix',
                    prefix] + extra
    log = run(CUDNN, argv, tmp_path)
    assert os.path.exists(prefix + '-0001.params') and os.path.exists(prefix + '-symbol.json')
    first = final_metric(log, 'Validation-perplexity')
    assert math.isfinite(first) and first < VOCAB / 3

    argv[argv.index('--num-epochs') + 1] = 2
    log = run(CUDNN, argv + ['--load-epoch', 1], tmp_path)
    assert 'Loaded model %s-0001.params' % prefix in log
    assert 'Epoch[1] Train-perplexity=' in log and 'Epoch[0]' not in log
    second = final_metric(log, 'Validation-perplexity')
    assert os.path.exists(prefix + '-0002.params')

    log = run(CUDNN, argv + ['--load-epoch', 2, '--test'], tmp_path)
    tested = [float(line.rsplit('=', 1)[1]) for line in log.splitlines()
              if 'Test-perplexity=' in line]
    # the same weights (the unfused network's outputs are those of the fused one), but not
    # the same sentences: the iterator drops a random remainder of each bucket, as MXNet's
    assert len(tested) == 1 and abs(tested[0] - second) < tolerance * second
    assert 'Train-perplexity' not in log


def test_fused_lstm_checkpoint_resume_and_unfused_test(tmp_path):
    check_save_resume_test(tmp_path, [], 0.15)


@pytest.mark.slow
def test_stacked_bidirectional_gru_with_dropout(tmp_path):
    """(A bidirectional language model sees the next word: perplexities near 1-20.)"""
    check_save_resume_test(tmp_path, ['--stack-rnn', 1, '--bidirectional', '--rnntype', 'gru',
                                      '--num-layers', 2, '--dropout', 0.2], 0.5)


def test_flag_errors(tmp_path):
    for argv, what in ((['--test'], '--test: needs --model-prefix'),
                       (['--dtype', 'float16'], "mxlite does not have"),
                       (['--stack-rnn', 'maybe'], 'expected 0 or 1'),
                       (['--model-prefix', tmp_path / 'absent', '--load-epoch', 3, '--test',
                         '--download', 0, '--data-dir', tmp_path], 'absent')):
        res = run_script(CUDNN, argv, cwd=str(tmp_path))
        assert res.returncode != 0 and what in res.stderr, res.stderr[-2000:]
        assert 'Traceback' not in res.stderr


def test_runs_from_its_folder_without_pythonpath():
    env = {k: v for k, v in os.environ.items() if k != 'PYTHONPATH'}
    for script in (LSTM, CUDNN):
        res = subprocess.run([sys.executable, os.path.basename(script), '-h'], cwd=RNN_BUCKETING,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             timeout=60)
        assert res.returncode == 0 and '--num-hidden' in res.stdout, res.stderr[-2000:]
