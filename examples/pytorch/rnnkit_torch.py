"""The rnnkit character model in PyTorch, and loading/saving rnnkit's exported files.

`CharLM` has exactly rnnkit's parameters under the same names: `embedding.weight` (embedding
input only), `rnn.weight_ih_l{l}`, `rnn.weight_hh_l{l}`, `rnn.bias_ih_l{l}`, `rnn.bias_hh_l{l}`,
`fc.weight`, `fc.bias`. rnnkit's cells are PyTorch's (`nn.RNN` tanh, `nn.LSTM` i,f,g,o,
`nn.GRU` r,z,n with the reset applied after the matmul), so no weight is reordered.

    python3 rnnkit_torch.py check model.safetensors probe.json   # compare with rnnkit's logits
    python3 rnnkit_torch.py init out.safetensors --cell gru --vocab 5 --hidden 8 --layers 2
    python3 rnnkit_torch.py rnn weights.safetensors probe.json   # a bare (bidirectional) stack
"""

import argparse
import json
import os
import sys

import torch
import torch.nn.functional as F
from torch import nn

from safetensors_io import load_file, save_file

SIDECAR_FORMAT = "rnnkit.char-lm"
RNN = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class CharLM(nn.Module):
    """ids [B, T] -> one-hot or embedding -> stacked RNN/LSTM/GRU -> Linear -> logits [B, T, V]."""

    def __init__(self, vocabSize, cell, hiddenSize, numLayers, input, embeddingDim):
        super().__init__()
        self.vocab_size, self.one_hot = vocabSize, input == "onehot"
        if not self.one_hot:
            self.embedding = nn.Embedding(vocabSize, embeddingDim)
        width = vocabSize if self.one_hot else embeddingDim
        self.rnn = RNN[cell](width, hiddenSize, numLayers, batch_first=True)
        self.fc = nn.Linear(hiddenSize, vocabSize)

    def forward(self, ids, state=None):
        x = F.one_hot(ids, self.vocab_size).float() if self.one_hot else self.embedding(ids)
        out, state = self.rnn(x, state)
        return self.fc(out), state


def sidecar_path(path):
    return (path[: -len(".safetensors")] if path.endswith(".safetensors") else path) + ".rnnkit.json"


def load_rnnkit(path):
    """Builds the model a `rnnkit export --format safetensors` file holds; returns (model, sidecar)."""
    tensors, metadata = load_file(path)
    side_file = sidecar_path(path)
    if os.path.exists(side_file):
        with open(side_file, encoding="utf-8") as f:
            sidecar = json.load(f)
    elif "rnnkit" in metadata:
        sidecar = json.loads(metadata["rnnkit"])
    else:
        raise SystemExit(f"{path}: no sidecar ({side_file}) and no rnnkit metadata")
    if sidecar.get("format") != SIDECAR_FORMAT:
        raise SystemExit(f"{side_file}: format {sidecar.get('format')!r}, expected {SIDECAR_FORMAT!r}")
    model = CharLM(**sidecar["model"])
    model.load_state_dict(tensors, strict=True)  # names and shapes must match exactly
    return model, sidecar


def save_rnnkit(model, sidecar, path):
    """Writes the weights and sidecar back for `rnnkit import`."""
    save_file(model.state_dict(), path, {"format": "pt", "rnnkit": json.dumps(sidecar)})
    with open(sidecar_path(path), "w", encoding="utf-8") as f:
        json.dump(sidecar, f, indent=2)


def logits_of(model, ids):
    with torch.no_grad():
        return model(torch.tensor(ids, dtype=torch.long))[0]


def check(args):
    """Compares PyTorch's logits with those rnnkit computed for the same ids (probe.json)."""
    model, _ = load_rnnkit(args.model)
    with open(args.probe, encoding="utf-8") as f:
        probe = json.load(f)
    got = logits_of(model, probe["ids"])
    diff = (got - torch.tensor(probe["logits"])).abs().max().item()
    print(json.dumps({"max_abs_diff": diff, "shape": list(got.shape)}))
    return 0 if diff <= args.tolerance else 1


def init(args):
    """A fresh PyTorch-initialised model, saved for rnnkit, with its logits on probe ids."""
    torch.manual_seed(args.seed)
    config = {"vocabSize": args.vocab, "cell": args.cell, "hiddenSize": args.hidden,
              "numLayers": args.layers, "input": args.input, "embeddingDim": args.embedding_dim}
    model = CharLM(**config)
    vocabulary = [chr(ord("a") + i) for i in range(args.vocab)]
    sidecar = {"format": SIDECAR_FORMAT, "version": 1, "model": config,
               "tokenizer": {"format": "rnnkit.char-tokenizer", "version": 1,
                             "vocabulary": vocabulary, "unkToken": None}}
    save_rnnkit(model, sidecar, args.out)
    g = torch.Generator().manual_seed(args.seed)
    ids = torch.randint(0, args.vocab, (3, 9), generator=g).tolist()
    with open(args.out + ".probe.json", "w", encoding="utf-8") as f:
        json.dump({"ids": ids, "logits": logits_of(model, ids).tolist()}, f)
    return 0


def rnn_check(args):
    """A bare recurrent stack (`rnn.` names, `_reverse` for the backward direction): compares
    PyTorch's outputs with the probe's, or with --write fills the probe with PyTorch's own."""
    with open(args.probe, encoding="utf-8") as f:
        probe = json.load(f)
    torch.manual_seed(args.seed)
    rnn = RNN[probe["cell"]](probe["inputSize"], probe["hiddenSize"], probe["numLayers"],
                             batch_first=True, bidirectional=probe["bidirectional"])
    if args.write:
        save_file({f"rnn.{k}": v for k, v in rnn.state_dict().items()}, args.weights)
    else:
        tensors, _ = load_file(args.weights)
        rnn.load_state_dict({k[len("rnn."):]: v for k, v in tensors.items()}, strict=True)
    with torch.no_grad():
        out = rnn(torch.tensor(probe["x"]))[0]
    if args.write:
        probe["outputs"] = out.tolist()
        with open(args.probe, "w", encoding="utf-8") as f:
            json.dump(probe, f)
        return 0
    diff = (out - torch.tensor(probe["outputs"])).abs().max().item()
    print(json.dumps({"max_abs_diff": diff, "shape": list(out.shape)}))
    return 0 if diff <= args.tolerance else 1


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="compare PyTorch's logits with rnnkit's")
    c.add_argument("model")
    c.add_argument("probe", help='JSON {"ids": [[...]], "logits": [[[...]]]} written by rnnkit')
    c.add_argument("--tolerance", type=float, default=1e-5)
    i = sub.add_parser("init", help="save a fresh PyTorch model for rnnkit import")
    i.add_argument("out")
    i.add_argument("--cell", choices=list(RNN), default="lstm")
    i.add_argument("--vocab", type=int, default=5)
    i.add_argument("--hidden", type=int, default=8)
    i.add_argument("--layers", type=int, default=1)
    i.add_argument("--input", choices=["onehot", "embedding"], default="onehot")
    i.add_argument("--embedding-dim", type=int, default=4)
    i.add_argument("--seed", type=int, default=0)
    r = sub.add_parser("rnn", help="compare a bare (bidirectional) recurrent stack")
    r.add_argument("weights")
    r.add_argument("probe", help='JSON {cell, inputSize, hiddenSize, numLayers, bidirectional, x, outputs}')
    r.add_argument("--write", action="store_true", help="write PyTorch-initialised weights and outputs")
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--tolerance", type=float, default=1e-5)
    args = parser.parse_args(argv)
    return {"check": check, "init": init, "rnn": rnn_check}[args.command](args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
