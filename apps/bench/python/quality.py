"""PyTorch's side of `pnpm bench:quality`: the standard char-rnn run on a text, written as a
PyTorch user writes it, with the data laid out exactly as rnnkit lays it out, so that the
validation loss and the wall time of the two can be compared.

  python3 quality.py <text-file> [--steps 2000] [--eval-every 500] [--threads 1]
      [--cell lstm] [--layers 2] [--hidden 256] [--batch 32] [--seq-length 64]
      [--lr 0.002] [--clip 5] [--val-fraction 0.05] [--seed 0]

The data (rnnkit's `splitText` and `textStreams`): the vocabulary is the text's code points in
ascending order; validation is the end of the text in whole windows of T, round(fraction *
windows) of them, read as up to B streams with the state carried across windows; training reads
B streams of consecutive characters in windows of T, window k = step mod windows, the state
carried from window to window and reset to zeros at the start of each pass over the text
(truncated BPTT). The model: one-hot input, nn.LSTM/GRU/RNN (batch_first) with PyTorch's default
initialisation, nn.Linear to the vocabulary, F.cross_entropy, clip_grad_norm_, Adam.

Prints one progress line per evaluation to stderr and a final JSON line to stdout with the
validation loss, the wall time (from the start of the process to the end of the last
evaluation, as rnnkit's figure is), the BLAS library and the thread count.
"""

import argparse
import json
import math
import sys
import time

START = time.perf_counter()

import torch  # noqa: E402  (the import is part of the wall time, as Node's start is for rnnkit)
import torch.nn.functional as F  # noqa: E402

from torch_runner import blas_info  # noqa: E402


def split_text(ids, batch, seq_length, val_fraction):
    """rnnkit's splitText: (train ids, train windows, val ids, val streams, val windows)."""
    total = (len(ids) - 1) // seq_length
    val_windows = max(1, round(val_fraction * total)) if val_fraction > 0 else 0
    train_inputs = len(ids) - 1 - val_windows * seq_length
    train = ids[: train_inputs + 1]
    train_windows = train_inputs // (batch * seq_length)
    if train_windows < 1:
        sys.exit("the text is too short for one batch")
    if val_windows == 0:
        return train, train_windows, None, 0, 0
    streams = 1
    for s in range(2, min(batch, val_windows) + 1):
        if s * (val_windows // s) >= streams * (val_windows // streams):
            streams = s
    per_stream = val_windows // streams
    val_chars = streams * per_stream * seq_length
    return train, train_windows, ids[len(ids) - val_chars - 1 :], streams, per_stream


def window(ids, streams, windows, seq_length, k):
    """rnnkit's windowAt: inputs and targets of window k, [streams, seq_length] each."""
    length = windows * seq_length
    starts = torch.arange(streams) * length + k * seq_length
    index = starts[:, None] + torch.arange(seq_length)[None, :]
    return ids[index], ids[index + 1]


class CharLM(torch.nn.Module):
    def __init__(self, cell, vocab, hidden, layers):
        super().__init__()
        rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cell]
        self.vocab = vocab
        self.rnn = rnn(vocab, hidden, layers, batch_first=True)
        self.fc = torch.nn.Linear(hidden, vocab)

    def forward(self, x, state):
        out, state = self.rnn(F.one_hot(x, self.vocab).float(), state)
        return self.fc(out), state


def detach(state):
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()


@torch.no_grad()
def evaluate(model, ids, streams, windows, seq_length):
    """Mean cross-entropy over every validation target, state carried across windows."""
    model.eval()
    state, total = None, 0.0
    for k in range(windows):
        x, y = window(ids, streams, windows, seq_length, k)
        logits, state = model(x, state)
        total += F.cross_entropy(logits.reshape(-1, model.vocab), y.reshape(-1), reduction="sum").item()
    model.train()
    return total / (streams * windows * seq_length)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("text")
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--eval-every", type=int, default=500)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--cell", default="lstm")
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seq-length", type=int, default=64)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--clip", type=float, default=5.0)
    p.add_argument("--val-fraction", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    with open(a.text, encoding="utf-8") as f:
        text = f.read()
    chars = sorted(set(text))
    index = {c: i for i, c in enumerate(chars)}
    ids = torch.tensor([index[c] for c in text], dtype=torch.long)
    train, windows, val, val_streams, val_windows = split_text(ids, a.batch, a.seq_length, a.val_fraction)

    model = CharLM(a.cell, len(chars), a.hidden, a.layers)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    state, last = None, None
    train_seconds = 0.0
    for step in range(1, a.steps + 1):
        t0 = time.perf_counter()
        k = (step - 1) % windows
        if k == 0:
            state = None
        x, y = window(train, a.batch, windows, a.seq_length, k)
        logits, state = model(x, state)
        loss = F.cross_entropy(logits.reshape(-1, len(chars)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), a.clip)
        opt.step()
        state = detach(state)
        loss_value = loss.item()
        train_seconds += time.perf_counter() - t0
        if not math.isfinite(loss_value):
            sys.exit(f"diverged at step {step}")
        if val is not None and (step % a.eval_every == 0 or step == a.steps):
            last = evaluate(model, val, val_streams, val_windows, a.seq_length)
            print(
                f"pytorch step {step}: loss {loss_value:.4f}, val {last:.4f} nats/char, "
                f"{time.perf_counter() - START:.1f} s",
                file=sys.stderr,
                flush=True,
            )
    blas = blas_info()
    print(
        json.dumps(
            {
                "impl": "pytorch",
                "torch": torch.__version__,
                "blas": blas["blas"],
                "threads": torch.get_num_threads(),
                "steps": a.steps,
                "vocab": len(chars),
                "trainWindows": windows,
                "valStreams": val_streams,
                "valChars": val_streams * val_windows * a.seq_length,
                "firstWindow": window(train, a.batch, windows, a.seq_length, 0)[0][:, :4].tolist(),
                "lastValTarget": None if val is None else int(val[-1]),
                "valLoss": last,
                "valBpc": None if last is None else last / math.log(2),
                "wallSeconds": time.perf_counter() - START,
                "trainSeconds": train_seconds,
                "charsPerSec": a.steps * a.batch * a.seq_length / train_seconds,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
