"""Reads and writes the safetensors format without the `safetensors` package.

The format: an 8-byte little-endian unsigned header length N, N bytes of UTF-8 JSON mapping
each tensor name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the
data that follows the header) plus an optional "__metadata__" of strings, then the raw
little-endian tensor bytes. This is a second, independent implementation of the format, so
the round trip also tests rnnkit's reader and writer against it.
"""

import json
import struct

import torch

_DTYPES = {
    "F64": (torch.float64, 8),
    "F32": (torch.float32, 4),
    "F16": (torch.float16, 2),
    "BF16": (torch.bfloat16, 2),
    "I64": (torch.int64, 8),
    "I32": (torch.int32, 4),
}


class SafetensorsError(ValueError):
    """The bytes are not a well-formed safetensors file; the message says what is wrong."""


def load_file(path):
    """Returns ({name: tensor}, metadata) from a safetensors file, validating the layout."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise SafetensorsError(f"{path}: {len(blob)} bytes, fewer than the 8-byte header length")
    (n,) = struct.unpack("<Q", blob[:8])
    if n > len(blob) - 8:
        raise SafetensorsError(f"{path}: header length {n} exceeds the file ({len(blob) - 8} bytes)")
    header = json.loads(blob[8 : 8 + n].decode("utf-8"))
    data = blob[8 + n :]
    metadata = header.pop("__metadata__", {}) or {}
    tensors, spans = {}, []
    for name, info in header.items():
        dtype, size = _DTYPES.get(info["dtype"], (None, None))
        if dtype is None:
            raise SafetensorsError(f"{path}: tensor {name} has unsupported dtype {info['dtype']}")
        begin, end = info["data_offsets"]
        count = 1
        for d in info["shape"]:
            count *= d
        if end - begin != count * size or end > len(data) or begin < 0:
            raise SafetensorsError(f"{path}: tensor {name} has bad data_offsets {info['data_offsets']}")
        spans.append((begin, end, name))
        raw = bytearray(data[begin:end])  # a writable copy: torch.frombuffer needs one
        flat = torch.frombuffer(raw, dtype=dtype) if count else torch.empty(0, dtype=dtype)
        tensors[name] = flat.reshape(info["shape"]).clone()
    at = 0
    for begin, end, name in sorted(spans):
        if begin != at:
            raise SafetensorsError(f"{path}: tensor {name} overlaps or leaves a hole at byte {at}")
        at = end
    if at != len(data):
        raise SafetensorsError(f"{path}: {len(data) - at} bytes after the last tensor")
    return tensors, metadata


def save_file(tensors, path, metadata=None):
    """Writes float32 tensors (names sorted, header space-padded to 8 bytes)."""
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name in sorted(tensors):
        t = tensors[name].detach().to(torch.float32).contiguous().cpu()
        raw = t.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)
