"""PyTorch's side of `pnpm bench`: a long-lived process that builds the benchmark's models and
runs their steps on request, so that Node can time rnnkit, tfjs-layers and PyTorch in the same
interleaved rounds.

Protocol: one JSON object per line on stdin, one JSON reply per line on stdout, in order.
Every request has "op" and may have "id"; every reply echoes "id" and has "ok" (true, or false
with "error"). Timing is PyTorch's own (time.perf_counter around the steps), so the pipe's
latency never enters a measurement.

  {"op": "hello"}
      -> torch version, the BLAS library mapped into this process, default thread count
  {"op": "build", "suite": "train"|"sample", "cell", "hidden", "layers", "vocab", "batch",
   "seqLength", "threads", "seed", "adam": {"lr", "beta1", "beta2", "eps"},
   "ids": [[...]] (train: [batch, seqLength + 1]; sample: the priming ids),
   "weights": {name: {"shape": [...], "data": [...]}} (optional: rnnkit's initial weights)}
      -> {"model": n}
  {"op": "steps", "model": n, "count": k}       k steps -> {"chars", "ms", "losses"}
  {"op": "turn", "model": n, "ms": t}          steps until t ms have passed (at least one)
      -> {"steps", "chars", "ms", "peakRssMb"}
  {"op": "free", "model": n}
  {"op": "quit"}

A training step is what a PyTorch user writes: one-hot input, nn.LSTM/GRU/RNN (batch_first),
nn.Linear, F.cross_entropy, zero_grad, backward, Adam.step, loss.item(). A sampling step draws
50 characters one at a time at batch 1 under no_grad, carrying the state.
"""

import json
import resource
import sys
import time

SAMPLE_CHARS = 50


def blas_info():
    """The BLAS shared library this process has mapped, and OpenBLAS's own description of itself."""
    paths = set()
    with open("/proc/self/maps", encoding="utf-8") as maps:
        for line in maps:
            parts = line.split()
            if len(parts) >= 6 and ("blas" in parts[-1] or "mkl" in parts[-1]):
                paths.add(parts[-1])
    library = next((p for p in sorted(paths) if "libblas.so" in p), None)
    library = library or next((p for p in sorted(paths) if "openblas" in p or "mkl" in p), None)
    name, config = "unknown", None
    if library:
        if "openblas" in library:
            name = "OpenBLAS"
            try:
                import ctypes

                lib = ctypes.CDLL(library)
                lib.openblas_get_config.restype = ctypes.c_char_p
                config = lib.openblas_get_config().decode()
                parallel = {0: "serial", 1: "pthreads", 2: "openmp"}.get(lib.openblas_get_parallel(), "")
                version = config.split()[1] if config.startswith("OpenBLAS ") else ""
                corename = ""
                try:
                    lib.openblas_get_corename.restype = ctypes.c_char_p
                    corename = lib.openblas_get_corename().decode()
                except AttributeError:
                    pass
                name = " ".join(x for x in ["OpenBLAS", version, parallel, corename] if x)
            except (OSError, AttributeError):
                pass
        elif "mkl" in library:
            name = "MKL"
        elif "/blas/" in library:
            name = "reference BLAS"
    return {"blas": name, "blasLibrary": library, "blasConfig": config, "blasMapped": sorted(paths)}


class Model:
    def __init__(self, req):
        import torch
        import torch.nn.functional as F
        from torch import nn

        self.torch, self.F = torch, F
        self.suite = req["suite"]
        self.threads = int(req["threads"])
        self.vocab = int(req["vocab"])
        self.batch, self.seq = int(req["batch"]), int(req["seqLength"])
        torch.manual_seed(int(req.get("seed", 0)))
        cls = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[req["cell"]]
        self.rnn = cls(self.vocab, int(req["hidden"]), int(req["layers"]), batch_first=True)
        self.fc = nn.Linear(int(req["hidden"]), self.vocab)
        self.params = list(self.rnn.parameters()) + list(self.fc.parameters())
        if req.get("weights"):
            self.load(req["weights"])
        ids = torch.tensor(req["ids"], dtype=torch.long)
        if self.suite == "train":
            self.x, self.y = ids[:, :-1], ids[:, 1:].reshape(-1)
            adam = req.get("adam", {})
            self.opt = torch.optim.Adam(
                self.params,
                lr=adam.get("lr", 0.002),
                betas=(adam.get("beta1", 0.9), adam.get("beta2", 0.999)),
                eps=adam.get("eps", 1e-7),
            )
        else:
            self.rnn.eval()
            self.generator = torch.Generator().manual_seed(int(req.get("seed", 0)))
            self.state = None
            with torch.no_grad():
                self.id = self.forward_sample(ids.reshape(1, -1))

    def load(self, weights):
        named = {f"rnn.{k}": v for k, v in self.rnn.named_parameters()}
        named.update({f"fc.{k}": v for k, v in self.fc.named_parameters()})
        if set(weights) != set(named):
            raise ValueError(f"weights {sorted(weights)} do not match the model's {sorted(named)}")
        with self.torch.no_grad():
            for name, p in named.items():
                w = weights[name]
                t = self.torch.tensor(w["data"], dtype=self.torch.float32).reshape(w["shape"])
                if t.shape != p.shape:
                    raise ValueError(f"{name}: shape {list(t.shape)}, expected {list(p.shape)}")
                p.copy_(t)

    def forward_sample(self, ids):
        x = self.F.one_hot(ids, self.vocab).float()
        out, self.state = self.rnn(x, self.state)
        probs = self.torch.softmax(self.fc(out[:, -1]), dim=-1)
        return self.torch.multinomial(probs, 1, generator=self.generator).reshape(1, 1)

    def step(self):
        """One training step or SAMPLE_CHARS sampled characters; returns (chars, loss or None)."""
        torch, F = self.torch, self.F
        if self.suite == "sample":
            with torch.no_grad():
                for _ in range(SAMPLE_CHARS):
                    self.id = self.forward_sample(self.id)
                self.id.item()
            return SAMPLE_CHARS, None
        self.opt.zero_grad(set_to_none=True)
        out, _ = self.rnn(F.one_hot(self.x, self.vocab).float())
        loss = F.cross_entropy(self.fc(out).reshape(-1, self.vocab), self.y)
        loss.backward()
        self.opt.step()
        return self.batch * self.seq, loss.item()


def peak_rss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


class Runner:
    def __init__(self):
        self.models = {}
        self.next_id = 1
        self.threads = None

    def use(self, model):
        # One process serves models of different thread counts; switching costs microseconds.
        if self.threads != model.threads:
            model.torch.set_num_threads(model.threads)
            self.threads = model.threads

    def handle(self, req):
        op = req.get("op")
        if op == "hello":
            import torch

            info = blas_info()
            return {"torch": torch.__version__, "defaultThreads": torch.get_num_threads(),
                    "python": sys.version.split()[0], **info}
        if op == "build":
            model = Model(req)
            self.models[self.next_id] = model
            self.next_id += 1
            return {"model": self.next_id - 1}
        if op in ("steps", "turn", "free"):
            model = self.models.get(req.get("model"))
            if model is None:
                raise ValueError(f"no model {req.get('model')!r}")
            if op == "free":
                del self.models[req["model"]]
                return {}
            self.use(model)
            if op == "steps":
                losses, chars = [], 0
                start = time.perf_counter()
                for _ in range(int(req.get("count", 1))):
                    c, loss = model.step()
                    chars += c
                    losses.append(loss)
                ms = (time.perf_counter() - start) * 1000
                return {"chars": chars, "ms": ms, "losses": losses}
            target = float(req["ms"])
            steps = chars = 0
            start = time.perf_counter()
            while True:
                c, _ = model.step()
                steps += 1
                chars += c
                ms = (time.perf_counter() - start) * 1000
                if ms >= target:
                    break
            return {"steps": steps, "chars": chars, "ms": ms, "peakRssMb": peak_rss_mb()}
        raise ValueError(f"unknown op {op!r}")


def main():
    runner = Runner()
    for line in sys.stdin:
        if not line.strip():
            continue
        req_id = None
        try:
            req = json.loads(line)
            req_id = req.get("id")
            if req.get("op") == "quit":
                print(json.dumps({"id": req_id, "ok": True}), flush=True)
                return 0
            reply = {"id": req_id, "ok": True, **runner.handle(req)}
        except Exception as error:  # the bench reports it; the process stays up for the next request
            reply = {"id": req_id, "ok": False, "error": f"{type(error).__name__}: {error}"}
        print(json.dumps(reply), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
