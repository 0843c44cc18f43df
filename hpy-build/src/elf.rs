//! The names an ELF shared object exports: its dynamic symbol table (`.dynsym`), read directly
//! from the file, so that checking a wheel's binary needs no `nm`.
//!
//! Only what [`defined_dynamic_symbols`] needs is parsed: the ELF header, the section headers,
//! the `SHT_DYNSYM` section and the string table it links to. 32- and 64-bit, little- and
//! big-endian files are read; every offset is bounds-checked, so a truncated or corrupt file
//! gives an error, never a panic.

use std::collections::BTreeSet;

/// `SHT_DYNSYM`: the section type of the dynamic symbol table.
const SHT_DYNSYM: u32 = 11;
/// `SHN_UNDEF`: the section index of a symbol the object imports rather than defines.
const SHN_UNDEF: u16 = 0;

/// A bounds-checked reader over the file's bytes.
struct Reader<'a> {
    data: &'a [u8],
    big_endian: bool,
}

impl Reader<'_> {
    fn bytes<const N: usize>(&self, offset: u64) -> Result<[u8; N], String> {
        let start = usize::try_from(offset).map_err(|_| truncated(offset))?;
        let end = start.checked_add(N).ok_or_else(|| truncated(offset))?;
        let slice = self.data.get(start..end).ok_or_else(|| truncated(offset))?;
        let mut out = [0u8; N];
        out.copy_from_slice(slice);
        Ok(out)
    }

    fn u16(&self, offset: u64) -> Result<u16, String> {
        let b = self.bytes::<2>(offset)?;
        Ok(if self.big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    }

    fn u32(&self, offset: u64) -> Result<u32, String> {
        let b = self.bytes::<4>(offset)?;
        Ok(if self.big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }

    fn u64(&self, offset: u64) -> Result<u64, String> {
        let b = self.bytes::<8>(offset)?;
        Ok(if self.big_endian {
            u64::from_be_bytes(b)
        } else {
            u64::from_le_bytes(b)
        })
    }

    /// The NUL-terminated string at `offset` in the string table `[start, start + size)`.
    fn c_str(&self, start: u64, size: u64, offset: u64) -> Result<String, String> {
        if offset >= size {
            return Err(format!(
                "a symbol name lies outside its string table (offset {offset}, size {size})"
            ));
        }
        let table_end = start.checked_add(size).ok_or_else(|| truncated(start))?;
        let from = usize::try_from(start + offset).map_err(|_| truncated(start))?;
        let to = usize::try_from(table_end).map_err(|_| truncated(table_end))?;
        let bytes = self
            .data
            .get(from..to)
            .ok_or_else(|| truncated(table_end))?;
        let len = bytes
            .iter()
            .position(|&b| b == 0)
            .ok_or("a symbol name is not NUL-terminated")?;
        Ok(String::from_utf8_lossy(&bytes[..len]).into_owned())
    }
}

fn truncated(offset: u64) -> String {
    format!("the file is truncated or corrupt (nothing at offset {offset})")
}

/// A section header: the fields the symbol lookup needs.
struct Section {
    kind: u32,
    offset: u64,
    size: u64,
    link: u32,
    entsize: u64,
}

/// The names of the symbols the shared object `data` *defines* in its dynamic symbol table:
/// what another program can look up in it with `dlsym` (`nm -D --defined-only`, without the
/// `@VERSION` suffixes).
///
/// # Errors
/// When `data` is not an ELF file, is truncated or corrupt, or has no dynamic symbol table.
pub fn defined_dynamic_symbols(data: &[u8]) -> Result<BTreeSet<String>, String> {
    if data.len() < 16 || &data[..4] != b"\x7fELF" {
        return Err(
            "not an ELF file (hpy-build reads Linux shared objects; this one is of another \
             format)"
                .to_owned(),
        );
    }
    let wide = match data[4] {
        1 => false,
        2 => true,
        other => return Err(format!("unknown ELF class {other}")),
    };
    let big_endian = match data[5] {
        1 => false,
        2 => true,
        other => return Err(format!("unknown ELF data encoding {other}")),
    };
    let r = Reader { data, big_endian };

    // The ELF header: where the section headers are, their size and number.
    let (shoff, shentsize, shnum) = if wide {
        (r.u64(0x28)?, r.u16(0x3A)?, r.u16(0x3C)?)
    } else {
        (u64::from(r.u32(0x20)?), r.u16(0x2E)?, r.u16(0x30)?)
    };
    if shoff == 0 {
        return Err("the file has no section headers, so no dynamic symbol table".to_owned());
    }
    let min_entsize = if wide { 64 } else { 40 };
    if u64::from(shentsize) < min_entsize {
        return Err(format!(
            "section header entries of {shentsize} bytes are too small"
        ));
    }
    let section = |index: u64| -> Result<Section, String> {
        let base = index
            .checked_mul(u64::from(shentsize))
            .and_then(|o| o.checked_add(shoff))
            .ok_or_else(|| truncated(shoff))?;
        Ok(if wide {
            Section {
                kind: r.u32(base + 4)?,
                offset: r.u64(base + 24)?,
                size: r.u64(base + 32)?,
                link: r.u32(base + 40)?,
                entsize: r.u64(base + 56)?,
            }
        } else {
            Section {
                kind: r.u32(base + 4)?,
                offset: u64::from(r.u32(base + 16)?),
                size: u64::from(r.u32(base + 20)?),
                link: r.u32(base + 24)?,
                entsize: u64::from(r.u32(base + 36)?),
            }
        })
    };
    // More than 0xff00 sections: the count is in the first section header's size field.
    let count = if shnum == 0 {
        section(0)?.size
    } else {
        u64::from(shnum)
    };

    let mut dynsym = None;
    for index in 0..count {
        let s = section(index)?;
        if s.kind == SHT_DYNSYM {
            dynsym = Some(s);
            break;
        }
    }
    let dynsym = dynsym.ok_or("the file has no dynamic symbol table (.dynsym)")?;
    if u64::from(dynsym.link) >= count {
        return Err("the dynamic symbol table links to a missing string table".to_owned());
    }
    let strtab = section(u64::from(dynsym.link))?;
    let symsize: u64 = if wide { 24 } else { 16 };
    if dynsym.entsize != 0 && dynsym.entsize != symsize {
        return Err(format!(
            "dynamic symbols of {} bytes (expected {symsize})",
            dynsym.entsize
        ));
    }

    let mut names = BTreeSet::new();
    // Entry 0 is the reserved null symbol.
    for i in 1..dynsym.size / symsize {
        let base = dynsym.offset + i * symsize;
        let (name, shndx) = if wide {
            (r.u32(base)?, r.u16(base + 6)?)
        } else {
            (r.u32(base)?, r.u16(base + 14)?)
        };
        if shndx == SHN_UNDEF || name == 0 {
            continue;
        }
        names.insert(r.c_str(strtab.offset, strtab.size, u64::from(name))?);
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{compile_so, temp_dir};
    use std::process::Command;

    const SOURCE: &str = r#"
        #include <string.h>
        __attribute__((visibility("default"))) int HPyInit_demo(void) { return (int)strlen("x"); }
        __attribute__((visibility("default"))) int data_symbol = 3;
        __attribute__((visibility("hidden"))) int hidden_function(void) { return 1; }
        static int local_function(void) { return 2; }
        int uses_local(void) { return local_function() + hidden_function(); }
    "#;

    #[test]
    fn reads_the_exports_of_a_compiled_library() {
        let dir = temp_dir("elf");
        let so = compile_so(&dir, "demo", SOURCE, &[]);
        let names = defined_dynamic_symbols(&std::fs::read(&so).unwrap()).unwrap();
        assert!(names.contains("HPyInit_demo"), "{names:?}");
        assert!(names.contains("data_symbol"), "{names:?}");
        assert!(names.contains("uses_local"), "{names:?}");
        // Imported (undefined), hidden and local symbols are not exports.
        assert!(!names.contains("strlen"), "{names:?}");
        assert!(!names.contains("hidden_function"), "{names:?}");
        assert!(!names.contains("local_function"), "{names:?}");

        // The same set as binutils' `nm -D --defined-only`, where it is installed.
        if let Ok(out) = Command::new("nm")
            .args(["-D", "--defined-only"])
            .arg(&so)
            .output()
        {
            let nm: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| l.split_whitespace().last())
                .map(|s| s.split('@').next().unwrap().to_owned())
                .collect();
            assert_eq!(names, nm);
        }

        // Stripping the static symbol table keeps the dynamic one.
        let stripped = compile_so(&dir, "stripped", SOURCE, &["-s"]);
        let again = defined_dynamic_symbols(&std::fs::read(&stripped).unwrap()).unwrap();
        assert_eq!(names, again);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refuses_what_is_not_a_complete_elf_file() {
        let err = defined_dynamic_symbols(b"MZ\x90\x00 not an ELF file at all").unwrap_err();
        assert!(err.contains("not an ELF file"), "{err}");
        let err = defined_dynamic_symbols(b"\x7fELF").unwrap_err();
        assert!(err.contains("not an ELF file"), "{err}");

        let dir = temp_dir("elf-truncated");
        let so = std::fs::read(compile_so(&dir, "demo", SOURCE, &[])).unwrap();
        // Cut in the ELF header or in the section headers: a message, never a panic.
        let shoff =
            usize::try_from(u64::from_le_bytes(so[0x28..0x30].try_into().unwrap())).unwrap();
        for len in [20, 64, 100, shoff + 10] {
            let err = defined_dynamic_symbols(&so[..len]).unwrap_err();
            assert!(!err.is_empty());
        }
        let mut bad_class = so.clone();
        bad_class[4] = 7;
        assert!(
            defined_dynamic_symbols(&bad_class)
                .unwrap_err()
                .contains("ELF class 7")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
