//! Node kinds and field ids of a grammar, looked up once when the grammar
//! loads, so that extraction compares small integers instead of kind names
//! and finds children by field id instead of by field name.
//!
//! Each language lists the kinds and fields it reads with [`grammar_kinds`].
//! A kind there stands for every grammar symbol with that name, named or
//! anonymous, so `kind(node) == Kind::X` is true exactly when
//! `node.kind() == "x"`.

use tree_sitter::{Language, Node};

/// The kind of each grammar symbol, by kind id, and the id of each listed
/// field name.
pub(crate) struct KindTable<K> {
    kinds: Box<[K]>,
    fields: Box<[u16]>,
}

impl<K: Copy> KindTable<K> {
    /// Builds the table of `language`: `from_name` gives the kind of a
    /// symbol name, and `other` the kind of an id without a name.
    pub(crate) fn new(
        language: &Language,
        from_name: impl Fn(&str) -> K,
        other: K,
        field_names: &[&str],
    ) -> KindTable<K> {
        let count = u16::try_from(language.node_kind_count()).unwrap_or(u16::MAX);
        let kinds = (0..count)
            .map(|id| language.node_kind_for_id(id).map_or(other, &from_name))
            .collect();
        // An id of 0 is no field: `child_by_field_id` then finds no child,
        // as `child_by_field_name` does for a name the grammar lacks.
        let fields = field_names
            .iter()
            .map(|name| language.field_id_for_name(name).map_or(0, |id| id.get()))
            .collect();
        KindTable { kinds, fields }
    }

    /// Returns the kind of a node, or `other` for an id past the table.
    pub(crate) fn kind(&self, node: Node<'_>, other: K) -> K {
        self.kinds
            .get(usize::from(node.kind_id()))
            .copied()
            .unwrap_or(other)
    }

    /// Returns the id of the field at `index` in the listed names, or 0
    /// when the grammar has no such field.
    pub(crate) fn field_id(&self, index: usize) -> u16 {
        self.fields[index]
    }
}

/// Defines, in a language's `kinds` module, the enums `Kind` and
/// `FieldName` from the grammar names given, the table of the grammar, and
/// `init`, `kind`, `field_id`, `child` and `field_is` over it.
macro_rules! grammar_kinds {
    (
        language = $language:literal;
        kinds { $($kind:ident = $kind_name:literal,)* }
        fields { $($field:ident = $field_name:literal,)* }
    ) => {
        use std::sync::OnceLock;

        use tree_sitter::{Language, Node};

        use crate::lang::kinds::KindTable;

        /// The node kinds that extraction distinguishes. Every other kind
        /// is [`Kind::Other`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(super) enum Kind {
            $($kind,)*
            Other,
        }

        impl Kind {
            fn from_name(name: &str) -> Kind {
                match name {
                    $($kind_name => Kind::$kind,)*
                    _ => Kind::Other,
                }
            }
        }

        /// The field names that extraction looks children up by.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(super) enum FieldName {
            $($field,)*
        }

        const FIELD_NAMES: &[&str] = &[$($field_name,)*];

        static TABLE: OnceLock<KindTable<Kind>> = OnceLock::new();

        /// Builds the table for `language`. Later calls keep the first
        /// table. The language's `config()` calls it when the grammar loads.
        pub(super) fn init(language: &Language) {
            TABLE.get_or_init(|| KindTable::new(language, Kind::from_name, Kind::Other, FIELD_NAMES));
        }

        fn table() -> &'static KindTable<Kind> {
            TABLE
                .get()
                .expect(concat!($language, "::config() builds the kind table before extraction"))
        }

        /// Returns the kind of a node.
        pub(super) fn kind(node: Node<'_>) -> Kind {
            table().kind(node, Kind::Other)
        }

        /// Returns the id of a field, or 0 when the grammar has no such
        /// field.
        pub(super) fn field_id(field: FieldName) -> u16 {
            table().field_id(field as usize)
        }

        /// Returns the first child of `node` in `field`.
        pub(super) fn child<'t>(node: Node<'t>, field: FieldName) -> Option<Node<'t>> {
            node.child_by_field_id(field_id(field))
        }

        /// True when `child` is the first child of `parent` in `field`.
        pub(super) fn field_is(parent: Node<'_>, field: FieldName, child: Node<'_>) -> bool {
            self::child(parent, field).is_some_and(|c| c.id() == child.id())
        }
    };
}

pub(crate) use grammar_kinds;
