#include "core/io/PickleReader.h"

#include <cstring>
#include <fmt/format.h>
#include <unordered_map>

#include "core/util/Error.h"
#include "core/util/MemoryBudget.h"
#include "core/util/Utf8.h"

namespace scdfm {
namespace {

PyRef make(PyValue::Kind k) {
  auto v = std::make_shared<PyValue>();
  v->kind = k;
  return v;
}

struct StorageName {
  const char* name;
  DType dtype;
};
constexpr StorageName kStorages[] = {
    {"FloatStorage", DType::F32}, {"DoubleStorage", DType::F64}, {"HalfStorage", DType::F16},
    {"BFloat16Storage", DType::BF16}, {"LongStorage", DType::I64}, {"IntStorage", DType::I32},
    {"ShortStorage", DType::I16}, {"CharStorage", DType::I8}, {"ByteStorage", DType::U8},
    {"BoolStorage", DType::BOOL}};
constexpr StorageName kDTypeNames[] = {
    {"float32", DType::F32}, {"float", DType::F32},   {"float64", DType::F64}, {"double", DType::F64},
    {"float16", DType::F16}, {"half", DType::F16},    {"bfloat16", DType::BF16}, {"int64", DType::I64},
    {"long", DType::I64},    {"int32", DType::I32},   {"int", DType::I32},     {"int16", DType::I16},
    {"short", DType::I16},   {"int8", DType::I8},     {"uint8", DType::U8},    {"bool", DType::BOOL}};

// Copies the (possibly strided, offset) view of a storage into a contiguous
// row-major tensor, checking every index stays inside the storage.
RawTensor materialise(const PyValue& storage, DType dtype, std::int64_t offset, const std::vector<std::int64_t>& size,
                      const std::vector<std::int64_t>& stride, const std::string& file) {
  const std::size_t es = dtypeSize(dtype);
  const auto& bytes = *storage.storageBytes;
  const std::int64_t storageNumel = static_cast<std::int64_t>(bytes.size() / es);
  if (size.size() != stride.size())
    throw InputError(file, "tensor", "size and stride have different ranks", "The checkpoint is corrupt");
  RawTensor t;
  t.dtype = dtype;
  t.shape = size;
  std::int64_t numel = 1, maxIndex = offset;
  for (std::size_t d = 0; d < size.size(); ++d) {
    if (size[d] < 0 || stride[d] < 0)
      throw InputError(file, "tensor", "negative size or stride", "The checkpoint is corrupt");
    std::int64_t reach = 0;
    if (__builtin_mul_overflow(numel, size[d], &numel) ||
        (size[d] > 0 && (__builtin_mul_overflow(size[d] - 1, stride[d], &reach) ||
                         __builtin_add_overflow(maxIndex, reach, &maxIndex))))
      throw InputError(file, "tensor", "impossibly large size or stride", "The checkpoint is corrupt");
  }
  // A view with stride 0 (an expanded tensor) may be far larger than its storage.
  checkAllocation(file, "tensor", static_cast<std::uint64_t>(numel), es, "materialising a tensor");
  if (offset < 0 || (numel > 0 && maxIndex >= storageNumel))
    throw InputError(file, "tensor",
                     fmt::format("view (offset {}, last element {}) reaches past its storage of {} elements", offset,
                                 maxIndex, storageNumel),
                     "The checkpoint is truncated or corrupt");
  t.data.resize(static_cast<std::size_t>(numel) * es);
  if (numel == 0) return t;
  // Contiguous fast path.
  bool contiguous = true;
  std::int64_t expect = 1;
  for (std::size_t d = size.size(); d-- > 0;) {
    if (size[d] != 1 && stride[d] != expect) contiguous = false;
    expect *= size[d];
  }
  if (contiguous) {
    std::memcpy(t.data.data(), bytes.data() + static_cast<std::size_t>(offset) * es, t.data.size());
    return t;
  }
  std::vector<std::int64_t> idx(size.size(), 0);
  std::int64_t src = offset;
  for (std::int64_t n = 0; n < numel; ++n) {
    std::memcpy(t.data.data() + static_cast<std::size_t>(n) * es, bytes.data() + static_cast<std::size_t>(src) * es,
                es);
    for (std::size_t d = size.size(); d-- > 0;) {
      if (++idx[d] < size[d]) {
        src += stride[d];
        break;
      }
      src -= (size[d] - 1) * stride[d];
      idx[d] = 0;
    }
  }
  return t;
}

// Containers deeper than this are refused (their destructors recurse).
constexpr std::size_t kMaxNesting = 256;

class Unpickler {
 public:
  Unpickler(const std::vector<std::uint8_t>& bytes, const PersistentLoader& pl, std::string file, std::string entry)
      : b_(bytes), pl_(pl), file_(std::move(file)), entry_(std::move(entry)) {}
  // Memo references can make a container hold itself, and nesting can be
  // deep: unless the result was checked and kept, empty every container so
  // that none leaks in a cycle or is destroyed recursively.
  ~Unpickler() {
    if (kept_) return;
    for (auto& c : containers_) {
      c->items.clear();
      c->dict.clear();
    }
  }

  PyRef run() {
    PyRef root = parse();
    checkShape(root);
    kept_ = true;
    return root;
  }

 private:
  PyRef container(PyValue::Kind k) {
    auto v = make(k);
    containers_.push_back(v);
    return v;
  }

  // Refuses cycles and nesting deeper than kMaxNesting (iterative DFS).
  void checkShape(const PyRef& root) {
    std::unordered_map<const PyValue*, bool> done;  // false while on the DFS path
    struct Frame {
      const PyValue* v;
      std::size_t next;
    };
    std::vector<Frame> path{{root.get(), 0}};
    done[root.get()] = false;
    auto child = [](const PyValue* v, std::size_t i) -> const PyValue* {
      if (v->kind == PyValue::Kind::Dict) {
        if (i >= 2 * v->dict.size()) return nullptr;
        const auto& kv = v->dict[i / 2];
        return (i % 2 ? kv.second : kv.first).get();
      }
      return i < v->items.size() ? v->items[i].get() : nullptr;
    };
    auto isContainer = [](const PyValue* v) {
      return v->kind == PyValue::Kind::List || v->kind == PyValue::Kind::Tuple || v->kind == PyValue::Kind::Dict;
    };
    if (!isContainer(root.get())) return;
    while (!path.empty()) {
      Frame& f = path.back();
      const PyValue* c = child(f.v, f.next++);
      if (!c) {
        done[f.v] = true;
        path.pop_back();
        continue;
      }
      if (!isContainer(c)) continue;
      auto it = done.find(c);
      if (it != done.end()) {
        if (!it->second) fail("a container holds itself (a reference cycle); torch.save never writes one");
        continue;
      }
      if (path.size() >= kMaxNesting) fail("containers nested more than " + std::to_string(kMaxNesting) + " deep");
      done[c] = false;
      path.push_back({c, 0});
    }
  }

  PyRef parse() {
    while (true) {
      if (pos_ >= b_.size()) fail("the pickle ends without a STOP opcode (file truncated?)");
      const std::size_t at = pos_;
      const std::uint8_t op = b_[pos_++];
      switch (op) {
        case 0x80: u8(); break;                     // PROTO
        case 0x95: take(8); break;                  // FRAME
        case '.': {                                 // STOP
          if (stack_.empty()) fail("STOP with an empty stack");
          return pop();
        }
        case '(': marks_.push_back(stack_.size()); break;  // MARK
        case '0': pop(); break;                              // POP
        case '1': popMark(); break;                          // POP_MARK
        case '2': push(top()); break;                        // DUP
        case 'N': push(PyValue::none()); break;
        case 0x88: push(PyValue::boolean(true)); break;
        case 0x89: push(PyValue::boolean(false)); break;
        case 'J': push(PyValue::integer(static_cast<std::int32_t>(le(4)))); break;  // BININT
        case 'K': push(PyValue::integer(u8())); break;                               // BININT1
        case 'M': push(PyValue::integer(static_cast<std::int64_t>(le(2)))); break;   // BININT2
        case 0x8a: push(PyValue::integer(longBytes(u8()))); break;                   // LONG1
        case 0x8b: push(PyValue::integer(longBytes(static_cast<std::size_t>(le(4))))); break;  // LONG4
        case 'I': push(textInt(line())); break;                                      // INT
        case 'L': push(textInt(line())); break;                                      // LONG (text)
        case 'G': {                                                                  // BINFLOAT (big-endian)
          auto p = take(8);
          std::uint64_t bits = 0;
          for (int k = 0; k < 8; ++k) bits = (bits << 8) | p[k];
          double d;
          std::memcpy(&d, &bits, 8);
          push(PyValue::real(d));
          break;
        }
        case 'X': push(text(static_cast<std::size_t>(le(4)))); break;  // BINUNICODE
        case 0x8c: push(text(u8())); break;                             // SHORT_BINUNICODE
        case 0x8d: push(text(static_cast<std::size_t>(le(8)))); break;  // BINUNICODE8
        case 'T': push(text(static_cast<std::size_t>(le(4)))); break;  // BINSTRING
        case 'U': push(text(u8())); break;                              // SHORT_BINSTRING
        case 'B': push(bytesValue(str(static_cast<std::size_t>(le(4))))); break;        // BINBYTES
        case 'C': push(bytesValue(str(u8()))); break;                                   // SHORT_BINBYTES
        case 0x8e: push(bytesValue(str(static_cast<std::size_t>(le(8))))); break;       // BINBYTES8
        case ')': push(container(PyValue::Kind::Tuple)); break;
        case 't': {
          auto t = container(PyValue::Kind::Tuple);
          t->items = popMark();
          push(t);
          break;
        }
        case 0x85: case 0x86: case 0x87: {  // TUPLE1..3
          const std::size_t n = op - 0x84u;
          if (stack_.size() - base() < n) fail("TUPLE" + std::to_string(n) + " needs more items on the stack");
          auto t = container(PyValue::Kind::Tuple);
          t->items.assign(stack_.end() - static_cast<std::ptrdiff_t>(n), stack_.end());
          stack_.resize(stack_.size() - n);
          push(t);
          break;
        }
        case ']': push(container(PyValue::Kind::List)); break;
        case 'l': {
          auto l = container(PyValue::Kind::List);
          l->items = popMark();
          push(l);
          break;
        }
        case 'a': {  // APPEND
          auto v = pop();
          auto& l = topOf(PyValue::Kind::List, "APPEND");
          l.items.push_back(v);
          break;
        }
        case 'e': {  // APPENDS
          auto vs = popMark();
          auto& l = topOf(PyValue::Kind::List, "APPENDS");
          l.items.insert(l.items.end(), vs.begin(), vs.end());
          break;
        }
        case '}': push(container(PyValue::Kind::Dict)); break;
        case 'd': {
          auto vs = popMark();
          auto d = container(PyValue::Kind::Dict);
          setItems(*d, vs);
          push(d);
          break;
        }
        case 's': {  // SETITEM
          auto v = pop();
          auto k = pop();
          setItems(topOf(PyValue::Kind::Dict, "SETITEM"), {k, v});
          break;
        }
        case 'u': {  // SETITEMS
          auto vs = popMark();
          setItems(topOf(PyValue::Kind::Dict, "SETITEMS"), vs);
          break;
        }
        case 0x8f: push(container(PyValue::Kind::List)); break;  // EMPTY_SET (held as a list)
        case 0x90: {                                         // ADDITEMS
          auto vs = popMark();
          auto& l = topOf(PyValue::Kind::List, "ADDITEMS");
          l.items.insert(l.items.end(), vs.begin(), vs.end());
          break;
        }
        case 0x91: {  // FROZENSET
          auto l = container(PyValue::Kind::List);
          l->items = popMark();
          push(l);
          break;
        }
        case 'c': {  // GLOBAL "module\nname\n"
          std::string module = line();
          std::string name = line();
          push(global(module, name));
          break;
        }
        case 0x93: {  // STACK_GLOBAL
          auto name = pop();
          auto module = pop();
          if (module->kind != PyValue::Kind::String || name->kind != PyValue::Kind::String)
            fail("STACK_GLOBAL expects two strings");
          push(global(module->text, name->text));
          break;
        }
        case 'R': {  // REDUCE
          auto args = pop();
          auto fn = pop();
          push(reduce(fn, args));
          break;
        }
        case 0x81: {  // NEWOBJ cls.__new__(cls, *args)
          auto args = pop();
          auto cls = pop();
          push(reduce(cls, args));
          break;
        }
        case 'b': {  // BUILD: obj.__setstate__(state)
          auto state = pop();
          auto& obj = *top();
          // OrderedDict state_dicts carry `_metadata` (module versions) as
          // instance state, and parameters may carry their __dict__: neither
          // changes the tensors, so the state is dropped.
          if (obj.kind != PyValue::Kind::Dict && obj.kind != PyValue::Kind::Tensor)
            fail(std::string("BUILD on an unsupported object (") + obj.kindName() + ")");
          break;
        }
        case 'Q': {  // BINPERSID
          auto pid = pop();
          if (!pl_) fail("persistent id found but no storage loader was given");
          push(pl_(pid));
          break;
        }
        case 'P': fail("text persistent ids (PERSID) are not supported");
        case 'h': push(memoGet(u8())); break;                                     // BINGET
        case 'j': push(memoGet(static_cast<std::size_t>(le(4)))); break;          // LONG_BINGET
        case 'q': memoPut(u8()); break;                                           // BINPUT
        case 'r': memoPut(static_cast<std::size_t>(le(4))); break;                // LONG_BINPUT
        case 0x94: memoPut(memoNext_); break;                                     // MEMOIZE
        default:
          throw InputError(file_, entry_ + " at byte " + std::to_string(at),
                           fmt::format("unsupported pickle opcode 0x{:02x} ('{}')", op,
                                       (op >= 32 && op < 127) ? std::string(1, static_cast<char>(op)) : "?"),
                           "Only checkpoints written by torch.save (state_dicts, plain dicts, lists, numbers, "
                           "strings and tensors) can be read; convert other objects to tensors in Python first");
      }
    }
  }

  [[noreturn]] void fail(const std::string& problem) const {
    throw InputError(file_, entry_ + " at byte " + std::to_string(pos_), problem,
                     "The checkpoint is corrupt or was not written by torch.save");
  }
  const std::uint8_t* take(std::size_t n) {
    if (n > b_.size() - pos_) fail("the pickle is truncated");
    const std::uint8_t* p = b_.data() + pos_;
    pos_ += n;
    return p;
  }
  std::uint8_t u8() { return *take(1); }
  std::uint64_t le(std::size_t n) {
    auto p = take(n);
    std::uint64_t v = 0;
    for (std::size_t k = n; k-- > 0;) v = (v << 8) | p[k];
    return v;
  }
  std::int64_t longBytes(std::size_t n) {
    if (n > 8) fail("integer wider than 64 bits");
    auto p = take(n);
    if (n == 0) return 0;
    std::uint64_t v = 0;
    for (std::size_t k = n; k-- > 0;) v = (v << 8) | p[k];
    if (n < 8 && (p[n - 1] & 0x80)) v |= ~std::uint64_t{0} << (8 * n);  // sign-extend
    return static_cast<std::int64_t>(v);
  }
  std::string str(std::size_t n) {
    auto p = take(n);
    return std::string(reinterpret_cast<const char*>(p), n);
  }
  // A Python str: Python itself refuses to unpickle one that is not UTF-8.
  PyRef text(std::size_t n) {
    std::string s = str(n);
    if (!isValidUtf8(s)) fail("a string is not valid UTF-8");
    return PyValue::string(std::move(s));
  }
  std::string line() {
    std::size_t end = pos_;
    while (end < b_.size() && b_[end] != '\n') ++end;
    if (end >= b_.size()) fail("unterminated text line (file truncated?)");
    std::string s(reinterpret_cast<const char*>(b_.data() + pos_), end - pos_);
    pos_ = end + 1;
    return s;
  }
  PyRef textInt(const std::string& s) {
    if (s == "01") return PyValue::boolean(true);
    if (s == "00") return PyValue::boolean(false);
    try {
      std::string t = s;
      if (!t.empty() && t.back() == 'L') t.pop_back();
      return PyValue::integer(std::stoll(t));
    } catch (const std::exception&) {
      fail("malformed integer '" + s + "'");
    }
  }
  static PyRef bytesValue(std::string s) {
    auto v = make(PyValue::Kind::Bytes);
    v->text = std::move(s);
    return v;
  }
  std::size_t base() const { return marks_.empty() ? 0 : marks_.back(); }
  void push(PyRef v) { stack_.push_back(std::move(v)); }
  PyRef pop() {
    if (stack_.size() <= base()) fail("stack underflow");
    auto v = std::move(stack_.back());
    stack_.pop_back();
    return v;
  }
  const PyRef& top() {
    if (stack_.size() <= base()) fail("stack underflow");
    return stack_.back();
  }
  PyValue& topOf(PyValue::Kind k, const char* opname) {
    auto& t = top();
    if (t->kind != k) fail(std::string(opname) + " on a " + t->kindName());
    return *t;
  }
  std::vector<PyRef> popMark() {
    if (marks_.empty()) fail("MARK expected");
    const std::size_t m = marks_.back();
    marks_.pop_back();
    std::vector<PyRef> out(stack_.begin() + static_cast<std::ptrdiff_t>(m), stack_.end());
    stack_.resize(m);
    return out;
  }
  void setItems(PyValue& d, const std::vector<PyRef>& kv) {
    if (kv.size() % 2 != 0) fail("odd number of items for a dict");
    auto& index = dictIndex_[&d];
    for (std::size_t k = 0; k < kv.size(); k += 2) {
      auto [it, added] = index.emplace(keyIdentity(*kv[k]), d.dict.size());
      if (added)
        d.dict.emplace_back(kv[k], kv[k + 1]);
      else
        d.dict[it->second].second = kv[k + 1];
    }
  }
  // Equal for keys Python would treat as the same (str, int, bool by value; others by object).
  static std::string keyIdentity(const PyValue& a) {
    switch (a.kind) {
      case PyValue::Kind::String: return "s" + a.text;
      case PyValue::Kind::Int: return "i" + std::to_string(a.i);
      case PyValue::Kind::Bool: return a.b ? "b1" : "b0";
      default: return "p" + std::to_string(reinterpret_cast<std::uintptr_t>(&a));
    }
  }
  PyRef memoGet(std::size_t k) {
    if (k >= memo_.size() || !memo_[k]) fail("memo key " + std::to_string(k) + " used before it was set");
    return memo_[k];
  }
  void memoPut(std::size_t k) {
    // torch.save numbers memo entries 0, 1, 2, ...: one per object, so fewer than the pickle's bytes.
    if (k > b_.size()) fail("memo key " + std::to_string(k) + " is larger than the pickle");
    if (memo_.size() <= k) memo_.resize(k + 1);
    memo_[k] = top();
    memoNext_ = std::max(memoNext_, k + 1);
  }

  PyRef global(const std::string& module, const std::string& name) {
    const std::string full = module + "." + name;
    DType d;
    bool ok = (module == "collections" && name == "OrderedDict") ||
              (module == "torch._utils" &&
               (name == "_rebuild_tensor" || name == "_rebuild_tensor_v2" || name == "_rebuild_tensor_v3" ||
                name == "_rebuild_parameter" || name == "_rebuild_parameter_with_state")) ||
              (module == "torch" && (torchStorageDType(name, d) || torchDTypeByName(name, d))) ||
              (module == "torch.storage" && (name == "UntypedStorage" || name == "_LegacyStorage")) ||
              (module == "torch" && name == "UntypedStorage") || (module == "_codecs" && name == "encode") ||
              (module == "builtins" && (name == "set" || name == "frozenset")) ||
              (module == "__builtin__" && (name == "set" || name == "frozenset"));
    if (!ok)
      throw InputError(file_, entry_ + " at byte " + std::to_string(pos_),
                       "unsupported Python global '" + full + "'",
                       "Only tensors, state_dicts and plain Python values can be imported; in Python, save "
                       "`{k: v for k, v in checkpoint.items()}` with tensors only, or use safetensors");
    auto g = make(PyValue::Kind::Global);
    g->text = full;
    return g;
  }

  std::int64_t intArg(const PyRef& v, const char* what) {
    if (v->kind == PyValue::Kind::Int) return v->i;
    if (v->kind == PyValue::Kind::Bool) return v->b ? 1 : 0;
    fail(std::string("expected an integer for ") + what + ", got " + v->kindName());
  }
  std::vector<std::int64_t> intTuple(const PyRef& v, const char* what) {
    if (v->kind != PyValue::Kind::Tuple && v->kind != PyValue::Kind::List)
      fail(std::string("expected a tuple for ") + what + ", got " + v->kindName());
    std::vector<std::int64_t> out;
    for (const auto& x : v->items) out.push_back(intArg(x, what));
    return out;
  }

  PyRef rebuildTensor(const std::vector<PyRef>& a, bool v3) {
    if (a.size() < 4) fail("tensor rebuild needs (storage, offset, size, stride, ...)");
    const auto& storage = a[0];
    if (storage->kind != PyValue::Kind::Storage) fail(std::string("tensor storage is a ") + storage->kindName());
    DType dtype = storage->storageType;
    if (v3) {
      if (a.size() < 7 || a[6]->kind != PyValue::Kind::Global) fail("_rebuild_tensor_v3 needs a dtype argument");
      const std::string n = a[6]->text.substr(a[6]->text.rfind('.') + 1);
      if (!torchDTypeByName(n, dtype)) fail("unsupported tensor dtype '" + a[6]->text + "'");
    } else if (storage->storageUntyped) {
      fail("untyped storage without a dtype");
    }
    auto t = make(PyValue::Kind::Tensor);
    t->tensor = materialise(*storage, dtype, intArg(a[1], "storage offset"), intTuple(a[2], "size"),
                            intTuple(a[3], "stride"), file_);
    // Each rebuild copies its view: a few pickle bytes can repeat one large storage.
    tensorBytes_ += t->tensor.data.size();
    checkAllocation(file_, entry_, tensorBytes_, 1, "the tensors of this checkpoint");
    return t;
  }

  PyRef reduce(const PyRef& fn, const PyRef& args) {
    if (fn->kind != PyValue::Kind::Global) fail(std::string("REDUCE on a ") + fn->kindName() + ", not a class");
    if (args->kind != PyValue::Kind::Tuple) fail("REDUCE arguments are not a tuple");
    const auto& a = args->items;
    const std::string& n = fn->text;
    if (n == "collections.OrderedDict") {
      auto d = container(PyValue::Kind::Dict);
      if (!a.empty() && (a[0]->kind == PyValue::Kind::List || a[0]->kind == PyValue::Kind::Tuple))
        for (const auto& pair : a[0]->items) {
          if ((pair->kind != PyValue::Kind::Tuple && pair->kind != PyValue::Kind::List) || pair->items.size() != 2)
            fail("OrderedDict items are not pairs");
          setItems(*d, pair->items);
        }
      return d;
    }
    if (n == "torch._utils._rebuild_tensor" || n == "torch._utils._rebuild_tensor_v2")
      return rebuildTensor(a, false);
    if (n == "torch._utils._rebuild_tensor_v3") return rebuildTensor(a, true);
    if (n == "torch._utils._rebuild_parameter" || n == "torch._utils._rebuild_parameter_with_state") {
      if (a.empty() || a[0]->kind != PyValue::Kind::Tensor) fail("parameter without tensor data");
      return a[0];
    }
    if (n == "_codecs.encode") {  // bytes in protocol 2: encode(str, 'latin1')
      if (a.empty() || a[0]->kind != PyValue::Kind::String) fail("_codecs.encode expects a string");
      std::string out;
      const std::string& s = a[0]->text;  // UTF-8 of code points < 256
      for (std::size_t k = 0; k < s.size(); ++k) {
        auto c = static_cast<unsigned char>(s[k]);
        if (c < 0x80) {
          out.push_back(static_cast<char>(c));
        } else if ((c & 0xe0) == 0xc0 && k + 1 < s.size()) {
          out.push_back(static_cast<char>(((c & 0x1f) << 6) | (static_cast<unsigned char>(s[k + 1]) & 0x3f)));
          ++k;
        } else {
          fail("_codecs.encode of a non-latin1 string");
        }
      }
      return bytesValue(std::move(out));
    }
    if (n == "builtins.set" || n == "builtins.frozenset" || n == "__builtin__.set" ||
        n == "__builtin__.frozenset") {
      auto l = container(PyValue::Kind::List);
      if (!a.empty() && (a[0]->kind == PyValue::Kind::List || a[0]->kind == PyValue::Kind::Tuple))
        l->items = a[0]->items;
      return l;
    }
    throw InputError(file_, entry_ + " at byte " + std::to_string(pos_), "cannot call Python global '" + n + "'",
                     "Only tensors, state_dicts and plain Python values can be imported");
  }

  const std::vector<std::uint8_t>& b_;
  const PersistentLoader& pl_;
  std::string file_, entry_;
  std::size_t pos_ = 0;
  std::vector<PyRef> stack_;
  std::vector<std::size_t> marks_;
  std::vector<PyRef> memo_;
  std::size_t memoNext_ = 0;
  std::vector<PyRef> containers_;  // every list, tuple and dict made
  bool kept_ = false;
  std::uint64_t tensorBytes_ = 0;  // materialised so far
  // Per dict: key → position, so SETITEMS stays linear for large dicts.
  std::unordered_map<const PyValue*, std::unordered_map<std::string, std::size_t>> dictIndex_;
};

}  // namespace

PyRef PyValue::none() { return make(Kind::None); }
PyRef PyValue::boolean(bool v) {
  auto r = make(Kind::Bool);
  r->b = v;
  return r;
}
PyRef PyValue::integer(std::int64_t v) {
  auto r = make(Kind::Int);
  r->i = v;
  return r;
}
PyRef PyValue::real(double v) {
  auto r = make(Kind::Float);
  r->f = v;
  return r;
}
PyRef PyValue::string(std::string s) {
  auto r = make(Kind::String);
  r->text = std::move(s);
  return r;
}

const PyValue* PyValue::get(const std::string& key) const {
  if (kind != Kind::Dict) return nullptr;
  for (const auto& [k, v] : dict)
    if (k->kind == Kind::String && k->text == key) return v.get();
  return nullptr;
}

const char* PyValue::kindName() const {
  switch (kind) {
    case Kind::None: return "None";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::String: return "str";
    case Kind::Bytes: return "bytes";
    case Kind::Tuple: return "tuple";
    case Kind::List: return "list";
    case Kind::Dict: return "dict";
    case Kind::Tensor: return "tensor";
    case Kind::Storage: return "storage";
    case Kind::Global: return "global";
  }
  return "?";
}

std::string PyValue::repr() const {
  switch (kind) {
    case Kind::None: return "None";
    case Kind::Bool: return b ? "True" : "False";
    case Kind::Int: return std::to_string(i);
    case Kind::Float: return fmt::format("{}", f);
    case Kind::String: return "'" + text + "'";
    case Kind::Bytes: return "b'...'(" + std::to_string(text.size()) + ")";
    case Kind::Global: return text;
    case Kind::Tensor: {
      std::string s = std::string("tensor(") + toString(tensor.dtype) + ", [";
      for (std::size_t k = 0; k < tensor.shape.size(); ++k) s += (k ? ", " : "") + std::to_string(tensor.shape[k]);
      return s + "])";
    }
    default: return std::string(kindName()) + "(" + std::to_string(kind == Kind::Dict ? dict.size() : items.size()) + ")";
  }
}

PyRef unpickle(const std::vector<std::uint8_t>& bytes, const PersistentLoader& persistentLoad, const std::string& file,
               const std::string& entry) {
  return Unpickler(bytes, persistentLoad, file, entry).run();
}

bool torchStorageDType(const std::string& className, DType& out) {
  for (const auto& s : kStorages)
    if (className == s.name) {
      out = s.dtype;
      return true;
    }
  return false;
}

bool torchDTypeByName(const std::string& name, DType& out) {
  for (const auto& s : kDTypeNames)
    if (name == s.name) {
      out = s.dtype;
      return true;
    }
  return false;
}

}  // namespace scdfm
