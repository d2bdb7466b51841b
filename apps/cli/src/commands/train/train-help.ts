export const TRAIN_HELP = `Usage: rnnkit train <text-file> [options]

Trains a character language model on a UTF-8 text file, as char-rnn does: the text is cut into
--batch parallel streams read in windows of --seq-length characters, the hidden state carried
from window to window (truncated backprop through time) and reset at each epoch. The last
--val-fraction of the text (whole windows) is held out for validation. At every --eval-every
steps it reports the validation loss and a sample, and saves <checkpoint-dir>/latest (and
<checkpoint-dir>/best when the validation loss is the lowest so far). Ctrl-C saves latest and
stops; --resume continues exactly where a run stopped.

Model:
  --cell lstm|gru|rnn       recurrent cell (default lstm)
  --hidden N                hidden units per layer (default 128)
  --layers N                stacked layers (default 2)
  --dropout P               dropout between layers, in [0, 1) (default 0)
  --init pytorch|keras      how the weights start (default pytorch: uniform ±1/√hidden, as
                            torch.nn.LSTM; keras: Glorot/orthogonal, forget bias 1)
Data:
  --batch N                 parallel streams per batch (default 32)
  --seq-length N            characters per window, the BPTT length (default 64)
  --val-fraction F          share of the text held out from its end, in [0, 1) (default 0.05)
Optimisation:
  --optimizer adam|sgd|rmsprop   (default adam)
  --lr X                    learning rate (default 0.002)
  --schedule constant|step|cosine   learning-rate schedule (default constant)
  --lr-decay R              step: factor per decay (default 0.97)
  --lr-decay-every N        step: steps between decays (default one epoch)
  --lr-decay-after N        step: steps before the first decay (default 10 epochs)
  --warmup N                cosine: linear warm-up steps (default 5% of the steps, at most 100)
  --min-lr X                cosine: final learning rate (default 0)
  --clip X|off              clip gradients to this global norm (default 5)
  --steps N                 total steps (default: 10 epochs)
  --epochs N                total passes over the text, instead of --steps
  --seed N                  seed of the weights and of all sampling (default 0)
Reporting and checkpoints:
  --eval-every N            steps between evaluations and checkpoints (default 200)
  --sample-length N         characters sampled at each evaluation, 0 for none (default 200)
  --log-every N             steps between progress lines when not on a terminal (default 10)
  --json                    JSON lines: 'progress' every --log-every steps, 'eval' at each
                            evaluation (step, trainLoss, valLoss, valBpc, charsPerSec, ...)
  --checkpoint-dir DIR      where latest/ and best/ go (default checkpoints, or the resumed run's)
  --force                   replace the checkpoints of another run in --checkpoint-dir
  --resume CHECKPOINT       continue a run (a checkpoint folder, or the run's folder)
  --backend cpu|wasm|auto   tfjs backend (default auto: wasm, then cpu)
  --workers N|auto          threads sharing each batch's streams (default auto: every core
                            when the model is big enough to gain, e.g. 2x128 at batch 32 x 64,
                            else 1); results match one thread to rounding
  -h, --help                show this help

Exit codes: 0 done, 1 bad input or a diverged loss, 2 usage error, 130 interrupted (saved).
`;
