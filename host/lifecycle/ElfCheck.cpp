// SPDX-License-Identifier: Apache-2.0
#include "lifecycle/ElfCheck.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <vector>

namespace portico::lifecycle {
namespace {

#if defined(__x86_64__)
constexpr uint16_t kMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr uint16_t kMachine = EM_AARCH64;
#else
#error "add this machine's ELF e_machine"
#endif
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
constexpr unsigned char kData = ELFDATA2LSB;
#else
constexpr unsigned char kData = ELFDATA2MSB;
#endif
static_assert(sizeof(void*) == 8, "the header types below are ELF64's");

std::string machineName(uint16_t machine) {
  switch (machine) {
    case EM_X86_64:
      return "x86-64";
    case EM_AARCH64:
      return "aarch64";
    case EM_386:
      return "i386";
    case EM_ARM:
      return "arm";
    case EM_RISCV:
      return "riscv";
    case EM_PPC64:
      return "ppc64";
    case EM_S390:
      return "s390";
    default:
      return "machine " + std::to_string(machine);
  }
}

// The first bytes of a file that is not ELF, printable, so that "a text file named .so" and
// "an HTML error page saved as the plugin" are recognisable in the refusal.
std::string quoteStart(const unsigned char* bytes, size_t n) {
  std::string out;
  for (size_t i = 0; i < n && i < 16; ++i) {
    unsigned char c = bytes[i];
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

bool readAt(int fd, void* into, size_t n, uint64_t offset) {
  auto* p = static_cast<unsigned char*>(into);
  size_t done = 0;
  while (done < n) {
    ssize_t got = ::pread(fd, p + done, n - done, static_cast<off_t>(offset + done));
    if (got <= 0) return false;
    done += static_cast<size_t>(got);
  }
  return true;
}

// Whether [offset, offset + count * each) lies inside a file of `size` bytes, without overflow.
bool inside(uint64_t offset, uint64_t count, uint64_t each, uint64_t size) {
  if (offset > size) return false;
  return each == 0 || count <= (size - offset) / each;
}

std::string truncated(const std::string& what, uint64_t end, uint64_t size) {
  return "truncated or damaged: the end of its " + what + " is byte " + std::to_string(end) +
         " but the file has " + std::to_string(size) + " bytes";
}

std::string check(int fd, uint64_t size) {
  if (size == 0) return "not an ELF file: it is empty";
  unsigned char ident[EI_NIDENT] = {};
  size_t head = size < EI_NIDENT ? static_cast<size_t>(size) : EI_NIDENT;
  if (!readAt(fd, ident, head, 0)) return "cannot read its first bytes";
  if (head < SELFMAG || ident[EI_MAG0] != ELFMAG0 || ident[EI_MAG1] != ELFMAG1 ||
      ident[EI_MAG2] != ELFMAG2 || ident[EI_MAG3] != ELFMAG3) {
    return "not an ELF file (it starts with \"" + quoteStart(ident, head) +
           "\"); upload the library's bytes unchanged (curl --data-binary @file.so, not -d)";
  }
  if (size < sizeof(Elf64_Ehdr)) {
    return truncated("ELF header", sizeof(Elf64_Ehdr), size);
  }
  if (ident[EI_CLASS] != ELFCLASS64) return "a 32-bit ELF file; this host loads 64-bit libraries";
  if (ident[EI_DATA] != kData) return "an ELF file of the other byte order than this host's";
  Elf64_Ehdr eh;
  if (!readAt(fd, &eh, sizeof eh, 0)) return "cannot read its ELF header";
  if (eh.e_type != ET_DYN) {
    return eh.e_type == ET_EXEC || eh.e_type == ET_REL
               ? std::string(eh.e_type == ET_EXEC ? "an executable" : "an object file (.o)") +
                     ", not a shared library: link it with -shared"
               : "an ELF file of type " + std::to_string(eh.e_type) + ", not a shared library";
  }
  if (eh.e_machine != kMachine) {
    return "built for " + machineName(eh.e_machine) + ", but this host runs " +
           machineName(kMachine) + ": build the plugin for " + machineName(kMachine);
  }
  if (eh.e_phnum == 0 || eh.e_phentsize != sizeof(Elf64_Phdr)) {
    return "damaged: its ELF header declares no usable program headers";
  }
  if (!inside(eh.e_phoff, eh.e_phnum, sizeof(Elf64_Phdr), size)) {
    return truncated("program headers", eh.e_phoff + uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr),
                     size);
  }
  if (eh.e_shnum != 0) {
    if (eh.e_shentsize != sizeof(Elf64_Shdr)) return "damaged: its section header size is wrong";
    if (!inside(eh.e_shoff, eh.e_shnum, sizeof(Elf64_Shdr), size)) {
      return truncated("section headers", eh.e_shoff + uint64_t{eh.e_shnum} * sizeof(Elf64_Shdr),
                       size);
    }
  }
  std::vector<Elf64_Phdr> ph(eh.e_phnum);
  if (!readAt(fd, ph.data(), ph.size() * sizeof(Elf64_Phdr), eh.e_phoff)) {
    return "cannot read its program headers";
  }
  bool loadable = false;
  for (size_t i = 0; i < ph.size(); ++i) {
    const Elf64_Phdr& p = ph[i];
    if (p.p_type != PT_LOAD && p.p_type != PT_DYNAMIC) continue;
    loadable = loadable || p.p_type == PT_LOAD;
    if (p.p_filesz > p.p_memsz && p.p_type == PT_LOAD) {
      return "damaged: segment " + std::to_string(i) + " has more bytes in the file than in memory";
    }
    if (!inside(p.p_offset, 1, p.p_filesz, size)) {
      return truncated("segment " + std::to_string(i), p.p_offset + p.p_filesz, size);
    }
  }
  if (!loadable) return "damaged: it has no loadable segment";
  return "";
}

}  // namespace

std::string elfProblem(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "cannot open it";
  struct stat st {};
  std::string why;
  if (::fstat(fd, &st) != 0) {
    why = "cannot stat it";
  } else if (!S_ISREG(st.st_mode)) {
    why = "not a regular file";
  } else {
    why = check(fd, static_cast<uint64_t>(st.st_size));
  }
  ::close(fd);
  return why;
}

}  // namespace portico::lifecycle
