//! Byte-level mutations of seed inputs: bit flips, insertions, deletions,
//! splices of two seeds, repeated chunks, dictionary tokens, line edits,
//! line-ending and BOM changes, deep bracket nesting and boundary numbers.

use crate::rng::Rng;

/// Tokens that matter to every target: encodings, line endings, quoting.
pub const COMMON_TOKENS: &[&[u8]] = &[
    b"\0",
    b"\r\n",
    b"\r",
    b"\n\n",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\xC3",
    b"\xE2\x82",
    b"\xF0\x9F\x92\xA9",
    b"\xED\xA0\x80",
    b"\xC0\xAF",
    b"\"",
    b"'",
    b"\\",
    b"\\\"",
    b"\t",
    b" ",
    b"\x0B",
    b"\x0C",
    b"\xC2\xA0",
    b"\xE2\x80\xA8",
];

/// Tokens of unified diffs and git's extended headers.
pub const DIFF_TOKENS: &[&[u8]] = &[
    b"diff --git a/x.py b/x.py\n",
    b"diff --git ",
    b"diff --cc x.py\n",
    b"--- a/x.py\n+++ b/x.py\n",
    b"--- /dev/null\n",
    b"+++ /dev/null\n",
    b"--- ",
    b"+++ ",
    b"@@ -0,0 +1 @@\n",
    b"@@ -1 +1 @@\n",
    b"@@ -1,0 +0,0 @@\n",
    b"@@ -4294967295,1 +4294967295,1 @@\n",
    b"@@ -1,4294967295 +1 @@\n",
    b"@@ ",
    b" @@",
    b"\\ No newline at end of file\n",
    b"\\",
    b"\n+",
    b"\n-",
    b"\n ",
    b"new file mode 100644\n",
    b"deleted file mode 100644\n",
    b"old mode 100644\nnew mode 100755\n",
    b"new mode 120000\n",
    b"new mode 160000\n",
    b"index 0000000..e69de29\n",
    b"index 0000000..e69de29 100644\n",
    b"similarity index 100%\n",
    b"similarity index 255%\n",
    b"dissimilarity index 90%\n",
    b"rename from x.py\nrename to y.py\n",
    b"copy from x.py\ncopy to y.py\n",
    b"rename from \"q\\303\\244.py\"\n",
    b"Binary files a/x.bin and b/x.bin differ\n",
    b"GIT binary patch\nliteral 0\nHcmV?d00001\n\n",
    b"\"a/",
    b"\"b/",
    b"a/",
    b" b/",
    b"\\303\\244",
    b"\\377",
    b"\\400",
    b"\\0",
    b"/dev/null",
    b"\t2026-01-01 00:00:00.000000000 +0000",
    b"From 1234 Mon Sep 17 00:00:00 2001\nSubject: [PATCH] x\n\n",
    b"../",
    b"/etc/passwd",
    b".git/config",
];

/// Tokens of `blast.toml` policies and `.gitattributes` files.
pub const CONFIG_TOKENS: &[&[u8]] = &[
    b"[paths]\n",
    b"ignore = [\"vendor/**\"]\n",
    b"[python]\nroots = [\"src\"]\n",
    b"[tests]\npatterns = [\"tests/**\"]\n",
    b"[thresholds]\nfail_on = \"high\"\nreport = \"low\"\n",
    b"[[tiers]]\nname = \"t\"\npaths = [\"a/**\"]\nsymbols = [\"*x*\"]\nweight = 2.0\n",
    b"[provenance]\ntrailers = [\"Co-authored-by: *\"]\nfail_on = \"medium\"\n",
    b"weight = -1e309\n",
    b"weight = nan\n",
    b"\"\"\"",
    b"'''",
    b"[[",
    b"]]",
    b"{a = 1}",
    b"**/",
    b"[!a-",
    b"{a,b",
    b"\\",
    b"gen/** linguist-generated=true\n",
    b"vendor/** linguist-vendored\n",
    b"*.py -linguist-vendored\n",
    b"!linguist-generated",
    b"linguist-vendored=false",
    b"/a/**/b linguist-generated\n",
    b"[attr]binary -diff -merge -text\n",
    b"\"quoted path\" linguist-vendored\n",
];

/// Tokens of the supported languages and of Cargo manifests.
pub const SOURCE_TOKENS: &[&[u8]] = &[
    b"((((((((((((((((",
    b"[[[[[[[[[[[[[[[[",
    b"{{{{{{{{{{{{{{{{",
    b"))))))))",
    b"def f(self):\n    return f()\n",
    b"class C(B):\n    pass\n",
    b"async def ",
    b"lambda: ",
    b"@decorator\n",
    b"from . import *\n",
    b"from .. import x\n",
    b"from ....... import y\n",
    b"import a.b.c as d\n",
    b"__all__ = ['a'] + b.__all__\n",
    b"if TYPE_CHECKING:\n    import x\n",
    b"super().",
    b"self.",
    b"global x\n",
    b"nonlocal x\n",
    b"f\"{x!r:>{width}}\"",
    b"\"\"\"",
    b"'''",
    b"\\\n",
    b"mod m;\n",
    b"mod m { pub fn f() {} }\n",
    b"use crate::a::{b, c as d, self, *};\n",
    b"use super::super::x;\n",
    b"impl<T> Trait for Vec<T> where T: Clone {\n    fn f(&self) {}\n}\n",
    b"pub(crate) ",
    b"macro_rules! m { () => {} }\n",
    b"m!(",
    b"<T as Trait>::f()",
    b"::",
    b"r#\"",
    b"\"#",
    b"'a",
    b"#[path = \"../x.rs\"]\n",
    b"extern crate self as c;\n",
    b"package a.b;\n",
    b"import static a.b.C.*;\n",
    b"import a.b.*;\n",
    b"public class A extends B implements C {\n",
    b"interface I { default void f() {} }\n",
    b"record R(int x) {}\n",
    b"enum E { A, B; }\n",
    b"@interface Ann {}\n",
    b"new A<>() {",
    b"this.",
    b"super.",
    b"<T extends Comparable<? super T>>",
    b"/*",
    b"*/",
    b"//",
    b"#",
    b"[package]\nname = \"x\"\n",
    b"[lib]\npath = \"../../lib.rs\"\n",
    b"[[bin]]\nname = \"\"\npath = \"/\"\n",
    b"[dependencies]\ny = { path = \"..\", package = \"z\" }\n",
    b"[workspace.dependencies]\nq = { package = \"r\" }\n",
    b"edition = \"2015\"\n",
];

/// Values at the edges of the integer types that line numbers and counts use.
const NUMBERS: &[&[u8]] = &[
    b"0",
    b"1",
    b"-1",
    b"255",
    b"256",
    b"65535",
    b"2147483647",
    b"2147483648",
    b"4294967295",
    b"4294967296",
    b"18446744073709551615",
    b"99999999999999999999999",
];

/// Mutates `data` in place with one to several stacked mutations. `others`
/// are the other seeds of the target, for splicing; `tokens` is the
/// target's dictionary; the result is at most `max_len` bytes.
pub fn mutate(
    data: &mut Vec<u8>,
    others: &[&[u8]],
    tokens: &[&[u8]],
    rng: &mut Rng,
    max_len: usize,
) {
    // Mostly one or two mutations, sometimes up to eight.
    let most = rng.between(1, 8);
    let rounds = 1 + rng.below(most);
    for _ in 0..rounds {
        mutate_once(data, others, tokens, rng, max_len);
    }
    data.truncate(max_len);
}

fn mutate_once(
    data: &mut Vec<u8>,
    others: &[&[u8]],
    tokens: &[&[u8]],
    rng: &mut Rng,
    max_len: usize,
) {
    match rng.below(16) {
        0 => flip_bit(data, rng),
        1 => set_byte(data, rng),
        2 => insert_random_bytes(data, rng),
        3 | 4 => delete_range(data, rng),
        5 => repeat_chunk(data, rng, max_len),
        6 => splice(data, others, rng),
        7..=9 => {
            let token = if rng.chance(1, 3) {
                rng.pick(COMMON_TOKENS)
            } else {
                rng.pick(tokens)
            };
            insert_at_random(data, token, rng);
        }
        10 | 11 => line_edit(data, rng),
        12 => line_endings(data, rng),
        13 => deep_nesting(data, rng, max_len),
        14 => replace_number(data, rng),
        _ => {
            let len = data.len();
            if len > 0 {
                data.truncate(rng.below(len));
            }
        }
    }
}

fn flip_bit(data: &mut [u8], rng: &mut Rng) {
    if data.is_empty() {
        return;
    }
    let at = rng.below(data.len());
    data[at] ^= 1 << rng.below(8);
}

fn set_byte(data: &mut Vec<u8>, rng: &mut Rng) {
    const INTERESTING: &[u8] = b"\0\x7f\x80\xc3\xff\n\r\t \"'\\()[]{}:;,.@#-+";
    if data.is_empty() {
        data.push(*rng.pick(INTERESTING));
        return;
    }
    let at = rng.below(data.len());
    data[at] = if rng.chance(1, 2) {
        *rng.pick(INTERESTING)
    } else {
        rng.next_u64() as u8
    };
}

fn insert_random_bytes(data: &mut Vec<u8>, rng: &mut Rng) {
    let count = rng.between(1, 8);
    let bytes: Vec<u8> = (0..count).map(|_| rng.next_u64() as u8).collect();
    insert_at_random(data, &bytes, rng);
}

fn insert_at_random(data: &mut Vec<u8>, bytes: &[u8], rng: &mut Rng) {
    let at = random_position(data, rng);
    data.splice(at..at, bytes.iter().copied());
}

/// Picks an insertion point: a line start half of the time, because most
/// tokens mean something only there.
fn random_position(data: &[u8], rng: &mut Rng) -> usize {
    let at = rng.below(data.len() + 1);
    if rng.chance(1, 2) {
        return line_start_at_or_before(data, at);
    }
    at
}

fn line_start_at_or_before(data: &[u8], at: usize) -> usize {
    data[..at]
        .iter()
        .rposition(|byte| *byte == b'\n')
        .map_or(0, |newline| newline + 1)
}

fn delete_range(data: &mut Vec<u8>, rng: &mut Rng) {
    if data.is_empty() {
        return;
    }
    let start = rng.below(data.len());
    let len = rng.small_len(data.len() - start);
    data.drain(start..start + len);
}

fn repeat_chunk(data: &mut Vec<u8>, rng: &mut Rng, max_len: usize) {
    if data.is_empty() {
        return;
    }
    let start = rng.below(data.len());
    let len = rng.small_len((data.len() - start).min(256));
    let chunk = data[start..start + len].to_vec();
    let times = match rng.below(3) {
        0 => 2,
        1 => rng.between(2, 16),
        _ => rng.between(16, 1024),
    };
    let room = max_len.saturating_sub(data.len()) / len.max(1);
    let times = times.min(room);
    let repeated: Vec<u8> = chunk.iter().copied().cycle().take(len * times).collect();
    data.splice(start..start, repeated);
}

/// Joins a prefix of `data` with a suffix of another seed, or inserts a
/// chunk of another seed into `data`.
fn splice(data: &mut Vec<u8>, others: &[&[u8]], rng: &mut Rng) {
    if others.is_empty() {
        return;
    }
    let other = *rng.pick(others);
    if other.is_empty() {
        return;
    }
    if rng.chance(1, 2) {
        let keep = rng.below(data.len() + 1);
        let from = rng.below(other.len());
        data.truncate(keep);
        data.extend_from_slice(&other[from..]);
    } else {
        let from = rng.below(other.len());
        let len = rng.small_len(other.len() - from);
        let chunk = other[from..from + len].to_vec();
        insert_at_random(data, &chunk, rng);
    }
}

/// Duplicates, deletes, swaps or moves whole lines.
fn line_edit(data: &mut Vec<u8>, rng: &mut Rng) {
    let mut lines: Vec<Vec<u8>> = data
        .split_inclusive(|byte| *byte == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    if lines.is_empty() {
        return;
    }
    let first = rng.below(lines.len());
    let second = rng.below(lines.len());
    match rng.below(4) {
        0 => {
            let copy = lines[first].clone();
            lines.insert(second, copy);
        }
        1 => {
            lines.remove(first);
        }
        2 => lines.swap(first, second),
        _ => {
            let line = lines.remove(first);
            let to = second.min(lines.len());
            lines.insert(to, line);
        }
    }
    *data = lines.concat();
}

/// Converts line endings to CRLF or LF, turns one line ending into CRLF,
/// adds or removes a byte order mark, or removes the final line break.
fn line_endings(data: &mut Vec<u8>, rng: &mut Rng) {
    match rng.below(5) {
        0 => {
            let mut out = Vec::with_capacity(data.len() + data.len() / 16);
            for &byte in data.iter() {
                if byte == b'\n' {
                    out.push(b'\r');
                }
                out.push(byte);
            }
            *data = out;
        }
        1 => data.retain(|byte| *byte != b'\r'),
        2 => {
            let newlines: Vec<usize> = memchr_all(data, b'\n');
            if !newlines.is_empty() {
                let at = *rng.pick(&newlines);
                data.insert(at, b'\r');
            }
        }
        3 => {
            if data.starts_with(b"\xEF\xBB\xBF") {
                data.drain(..3);
            } else {
                data.splice(0..0, b"\xEF\xBB\xBF".iter().copied());
            }
        }
        _ => {
            while data
                .last()
                .is_some_and(|byte| *byte == b'\n' || *byte == b'\r')
            {
                data.pop();
            }
        }
    }
}

fn memchr_all(data: &[u8], needle: u8) -> Vec<usize> {
    data.iter()
        .enumerate()
        .filter(|(_, byte)| **byte == needle)
        .map(|(at, _)| at)
        .collect()
}

/// Inserts a run of opening brackets, sometimes closed again, so that
/// recursive code meets deep nesting.
fn deep_nesting(data: &mut Vec<u8>, rng: &mut Rng, max_len: usize) {
    const PAIRS: &[(&[u8], &[u8])] = &[
        (b"(", b")"),
        (b"[", b"]"),
        (b"{", b"}"),
        (b"f(", b")"),
        (b"-", b""),
        (b"not ", b""),
        (b"a.", b"b"),
        (b"<", b">"),
        (b"if x:\n ", b""),
        (b"mod m{", b"}"),
    ];
    let (open, close) = *rng.pick(PAIRS);
    let depth = match rng.below(3) {
        0 => rng.between(8, 64),
        1 => rng.between(64, 1024),
        _ => rng.between(1024, 8192),
    };
    let room = max_len.saturating_sub(data.len()) / (open.len() + close.len()).max(1);
    let depth = depth.min(room);
    let mut nested = open.repeat(depth);
    if rng.chance(1, 2) {
        nested.extend_from_slice(b"x");
        nested.extend_from_slice(&close.repeat(depth));
    }
    insert_at_random(data, &nested, rng);
}

/// Replaces a run of ASCII digits with a boundary value.
fn replace_number(data: &mut Vec<u8>, rng: &mut Rng) {
    let digits: Vec<usize> = data
        .iter()
        .enumerate()
        .filter(|(_, byte)| byte.is_ascii_digit())
        .map(|(at, _)| at)
        .collect();
    let number = *rng.pick(NUMBERS);
    if digits.is_empty() {
        insert_at_random(data, number, rng);
        return;
    }
    let start = *rng.pick(&digits);
    let end = start
        + data[start..]
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count();
    data.splice(start..end, number.iter().copied());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutate_respects_max_len() {
        let mut rng = Rng::new(3);
        let seed = b"@@ -1 +1 @@\n-a\n+b\n".to_vec();
        for _ in 0..2000 {
            let mut data = seed.clone();
            mutate(&mut data, &[b"x\ny\n"], DIFF_TOKENS, &mut rng, 512);
            assert!(data.len() <= 512, "{} bytes", data.len());
        }
    }

    #[test]
    fn mutate_handles_empty_input() {
        let mut rng = Rng::new(5);
        for _ in 0..2000 {
            let mut data = Vec::new();
            mutate(&mut data, &[], SOURCE_TOKENS, &mut rng, 64);
            assert!(data.len() <= 64);
        }
    }

    #[test]
    fn line_start_is_found() {
        assert_eq!(line_start_at_or_before(b"ab\ncd", 4), 3);
        assert_eq!(line_start_at_or_before(b"ab\ncd", 2), 0);
        assert_eq!(line_start_at_or_before(b"", 0), 0);
    }
}
