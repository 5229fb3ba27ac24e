"""Writes the torch.save-format fixtures of TorchZipFileTest without torch installed.

torch.save (torch >= 1.6, `_use_new_zipfile_serialization`) writes a zip of stored (uncompressed) entries
ARCHIVE/data.pkl, ARCHIVE/data/<key>, ARCHIVE/byteorder, ARCHIVE/version; data.pkl is a protocol-2 pickle in which
each tensor reduces to torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad,
OrderedDict()) and each storage is a persistent id ('storage', torch.<Type>Storage, key, location, numel)
(torch/serialization.py, _save and persistent_id; torch/_tensor.py, _reduce_ex_internal). A state dict is an
OrderedDict with a `_metadata` attribute, pickled as REDUCE + SETITEMS + BUILD. This script reproduces those bytes
with stand-in classes that carry torch's module and class names, so the pickle opcodes and globals are the same;
the real thing (a checkpoint torch itself wrote) is checked on the GPU host where torch is installed.

    python3 make_torch_zips.py OUT_DIR
"""
import collections, io, pickle, struct, sys, types, zipfile

torch = types.ModuleType("torch")
utils = types.ModuleType("torch._utils")
sys.modules["torch"], sys.modules["torch._utils"] = torch, utils
torch._utils = utils


def storage_type(name):
    cls = type(name, (), {})
    cls.__module__, cls.__qualname__ = "torch", name
    setattr(torch, name, cls)
    return cls


BF16, F32, F16 = storage_type("BFloat16Storage"), storage_type("FloatStorage"), storage_type("HalfStorage")


def _rebuild_tensor_v2(*args):
    raise AssertionError("never called when writing")


_rebuild_tensor_v2.__module__ = "torch._utils"
utils._rebuild_tensor_v2 = _rebuild_tensor_v2


class Storage:
    def __init__(self, key, stype, data, numel):
        self.key, self.stype, self.data, self.numel = key, stype, data, numel


class Tensor:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride

    def __reduce_ex__(self, proto):
        return (_rebuild_tensor_v2, (self.storage, self.offset, tuple(self.size), tuple(self.stride), False,
                                     collections.OrderedDict()))


class Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", obj.stype, obj.key, "cpu", obj.numel)
        return None


def bf16(values):  # round to nearest even, as torch's .bfloat16()
    out = b""
    for v in values:
        bits = struct.unpack("<I", struct.pack("<f", v))[0]
        out += struct.pack("<H", ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) & 0xFFFF)
    return out


def write(path, obj, storages, archive="archive", byteorder="little"):
    buf = io.BytesIO()
    Pickler(buf, protocol=2).dump(obj)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr(f"{archive}/data.pkl", buf.getvalue())
        z.writestr(f"{archive}/byteorder", byteorder)
        for s in storages:
            z.writestr(f"{archive}/data/{s.key}", s.data)
        z.writestr(f"{archive}/version", "3\n")


def state_dict(items):
    sd = collections.OrderedDict(items)
    sd._metadata = collections.OrderedDict([("", {"version": 1})])
    return sd


out = sys.argv[1]
# good.bin: bf16 2x3 (values 0.5 * i), an f32 vector of 4 viewed at offset 2 of a 6-element storage, an fp16 scalar
s0 = Storage("0", BF16, bf16([0.5 * i for i in range(6)]), 6)
s1 = Storage("1", F32, struct.pack("<6f", *[10.0, 11.0, 1.25, -2.5, 3.75, 1e-3]), 6)
s2 = Storage("2", F16, struct.pack("<e", 1.5), 1)
write(f"{out}/good.bin", state_dict([
    ("_orig_mod.model.embeddings.weight", Tensor(s0, 0, [2, 3], [3, 1])),
    ("_orig_mod.model.norm.weight", Tensor(s1, 2, [4], [1])),
    ("_orig_mod.lm_head.scale", Tensor(s2, 0, [], [])),
]), [s0, s1, s2], archive="pytorch_model")
# transposed.bin: a transposed view (stride 1, 2): not contiguous
s3 = Storage("0", F32, struct.pack("<6f", *range(6)), 6)
write(f"{out}/transposed.bin", state_dict([("w", Tensor(s3, 0, [3, 2], [1, 3]))]), [s3])
# bigendian.bin: a byteorder other than little
write(f"{out}/bigendian.bin", state_dict([("w", Tensor(s3, 0, [6], [1]))]), [s3], byteorder="big")


class Evil:
    def __reduce__(self):
        import os
        return (os.system, ("echo pwned > /tmp/deltaeval-pickle-ran",))


s4 = Storage("0", F32, struct.pack("<f", 1.0), 1)
write(f"{out}/evil.bin", state_dict([("w", Tensor(s4, 0, [1], [1])), ("x", Evil())]), [s4])
