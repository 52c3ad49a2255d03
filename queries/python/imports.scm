; Import statements in Python, for blast.
;
; Grammar: tree-sitter-python 0.25.0. The extractor decomposes each captured
; statement (dotted names, `as` aliases, relative levels, `*`) and records
; whether it sits under `if TYPE_CHECKING:`.

(import_statement) @import

(import_from_statement) @import.from
