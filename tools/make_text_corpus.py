"""Build the small English corpus of example/rnn/bucketing/ from Python's own documentation.

The text is the docstrings of the Python standard library (read with ``ast`` from the
``.py`` files, nothing is imported) and the reference-manual topics shipped in
``pydoc_data/topics.py``.  Both are part of Python and distributed under the Python
Software Foundation License Version 2 (https://docs.python.org/3/license.html), which
allows redistribution with the copyright notice kept: "Copyright (c) 2001 Python Software
Foundation; All Rights Reserved".  The output folder gets a LICENSE file saying so.

The text is tokenised the way the Penn Treebank files of language-model examples are
(``ptb.train.txt``): one sentence per line, lower case, words separated by single spaces
with a space before and after each line, numbers as ``N``, punctuation removed, and words
outside the vocabulary (those seen fewer than ``--min-count`` times in the training part)
replaced by ``<unk>``.  Code fragments (doctests, indented blocks, sentences that are
mostly identifiers) are left out.  Sentences are shuffled with a fixed seed and split into
fixed training and validation parts, so the result depends only on the Python version.

    python tools/make_text_corpus.py                  # writes example/rnn/bucketing/data/
    python tools/make_text_corpus.py --out /tmp/corpus --train-kb 100
"""
import argparse
import ast
import collections
import os
import random
import re
import sys
import sysconfig

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, '..', 'example', 'rnn', 'bucketing', 'data')
SKIP_DIRS = {'test', 'tests', 'site-packages', 'dist-packages', 'idle_test', '__pycache__',
             'lib2to3', 'turtledemo', 'ensurepip', 'config-3'}
WORD = re.compile(r"^[a-z]+(?:'[a-z]+)?$")
NUMBER = re.compile(r'^[+-]?\d+(?:[.,]\d+)*(?:st|nd|rd|th|s)?$')
SENTENCE_END = re.compile(r'(?<=[.!?])\s+(?=[A-Z"(])')
ABBREVIATIONS = (('e.g.', 'for example'), ('i.e.', 'that is'), ('etc.', 'etc'),
                 ('vs.', 'vs'), ('approx.', 'approx'), ('Mr.', 'mr'), ('Dr.', 'dr'))
LICENSE = """\
The PTB-style files {name}.train.txt and {name}.valid.txt in this folder are derived from the
documentation of Python {version} (docstrings of the standard library and the reference
manual topics in pydoc_data/topics.py), made by tools/make_text_corpus.py.

Copyright (c) 2001 Python Software Foundation; All Rights Reserved.

They are distributed under the Python Software Foundation License Version 2:
https://docs.python.org/3/license.html
"""


def stdlib_texts():
    """Docstrings of the standard library's modules, classes and functions, in file order."""
    root = sysconfig.get_paths()['stdlib']
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith('config-'))
        for name in sorted(files):
            if not name.endswith('.py'):
                continue
            try:
                with open(os.path.join(folder, name), encoding='utf-8') as f:
                    tree = ast.parse(f.read())
            except (SyntaxError, UnicodeDecodeError, ValueError):
                continue
            for node in ast.walk(tree):
                if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                     ast.AsyncFunctionDef)):
                    doc = ast.get_docstring(node)
                    if doc:
                        yield doc


def topic_texts():
    """The reference manual's sections, as ``help('topic')`` shows them."""
    try:
        from pydoc_data.topics import topics
    except ImportError:
        return []
    return [topics[k] for k in sorted(topics)]


def prose_paragraphs(text):
    """Paragraphs of running text: no doctests, no indented code, no tables or headings."""
    for para in re.split(r'\n\s*\n', text):
        lines = para.split('\n')
        if any(line.lstrip().startswith(('>>>', '...', '|', '+-', '*', '-', '=', '..', ':'))
               for line in lines):
            continue
        indents = {len(line) - len(line.lstrip()) for line in lines if line.strip()}
        if len(indents) > 1:
            continue
        joined = ' '.join(line.strip() for line in lines)
        if len(joined) < 40 or not joined.rstrip().endswith(('.', '!', '?')):
            continue
        yield joined


def tokenize(sentence):
    """PTB-style words of one sentence; None when it looks like code rather than prose."""
    for long, short in ABBREVIATIONS:
        sentence = sentence.replace(long, short)
    words, code = [], 0
    for raw in sentence.split():
        token = raw.strip('.,;:!?"()[]{}`*\'').lower()
        token = token.replace('\u2019', "'")
        if not token or not any(c.isalnum() for c in token):
            continue
        if WORD.match(token):
            words.append(token)
        elif NUMBER.match(token):
            words.append('N')
        elif re.match(r'^[a-z]+-[a-z]+$', token):       # hyphenated: two words, as in PTB
            words.extend(token.split('-'))
        else:
            code += 1
            words.append('<unk>')
    if len(words) < 4 or code > 0.15 * len(words):
        return None
    return words


def sentences(texts):
    seen = set()
    for text in texts:
        for para in prose_paragraphs(text):
            for sent in SENTENCE_END.split(para):
                words = tokenize(sent)
                if words is None or len(words) > 50:
                    continue
                key = ' '.join(words)
                if key not in seen:
                    seen.add(key)
                    yield words


def take(sents, kb):
    """The first sentences whose PTB-style lines add up to at most ``kb`` KB."""
    out, size = [], 0
    for words in sents:
        size += len(' '.join(words)) + 3
        if size > kb * 1024:
            break
        out.append(words)
    return out


def write(path, sents, vocab):
    with open(path, 'w', encoding='ascii') as f:
        for words in sents:
            f.write(' %s \n' % ' '.join(w if w in vocab else '<unk>' for w in words))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', default=DEFAULT_OUT, help='output folder (default: %(default)s)')
    parser.add_argument('--name', default='pydoc', help='file name stem (default: pydoc)')
    parser.add_argument('--train-kb', type=int, default=280,
                        help='size of the training file in KB (default: 280)')
    parser.add_argument('--valid-kb', type=int, default=30,
                        help='size of the validation file in KB (default: 30)')
    parser.add_argument('--min-count', type=int, default=3,
                        help='words seen fewer times in training become <unk> (default: 3)')
    parser.add_argument('--seed', type=int, default=2024, help='shuffling seed (default: 2024)')
    args = parser.parse_args(argv)

    texts = list(stdlib_texts()) + list(topic_texts())
    sents = [s for s in sentences(texts) if all(w.isascii() for w in s)]
    random.Random(args.seed).shuffle(sents)
    valid = take(sents, args.valid_kb)
    train = take(sents[len(valid):], args.train_kb)
    counts = collections.Counter(w for s in train for w in s)
    vocab = {w for w, c in counts.items() if c >= args.min_count}

    os.makedirs(args.out, exist_ok=True)
    for part, data in (('train', train), ('valid', valid)):
        write(os.path.join(args.out, '%s.%s.txt' % (args.name, part)), data, vocab)
    version = '%d.%d.%d' % sys.version_info[:3]
    with open(os.path.join(args.out, 'LICENSE'), 'w') as f:
        f.write(LICENSE.format(name=args.name, version=version))
    ntok = sum(len(s) for s in train)
    unk = sum(w not in vocab for s in train for w in s)
    print('%d candidate sentences; wrote %d training (%d words, %.1f%% <unk>) and %d '
          'validation sentences, vocabulary %d with <unk> to %s'
          % (len(sents), len(train), ntok, 100.0 * unk / ntok, len(valid), len(vocab | {'<unk>'}),
             os.path.abspath(args.out)))


if __name__ == '__main__':
    main()
