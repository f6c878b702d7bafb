//! The serde format of a `#[session]` field's type as one line of text, traced by [`super::trace`].
//!
//! Names of structs and enums are left out where JSON does not carry them (a struct is its fields, a
//! newtype its content), so renaming a type changes nothing (but for a recursive type, which names itself
//! where it recurs), while anything that changes what JSON a
//! value stores (a field added or renamed, a variant removed, a number widened to a string) changes the
//! text. A struct's fields and an enum's variants are listed by name: JSON finds them by name, so
//! reordering them in the code changes nothing either.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;

use super::trace::trace;

/// How the shape of a type that cannot be traced begins; the reason follows.
pub(crate) const UNTRACED: &str = "untraced (";

/// The stored form of `T`, or `untraced (reason)` for a type that cannot be traced (one that deserializes
/// through `deserialize_any`, such as `serde_json::Value` or an untagged enum, or that refuses every sample
/// value the tracer offers it).
pub(crate) fn serde_shape<T: DeserializeOwned>() -> String {
    match trace::<T>() {
        Ok((shape, registry)) => shape.render(&registry, &mut Vec::new()),
        Err(error) => format!("{UNTRACED}{error})"),
    }
}

/// A struct or enum: its Rust type (generic arguments and module path included), which tells it apart,
/// and the name serde gives it, which a recursive type's shape shows where it recurs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct TypeKey {
    pub(super) rust: &'static str,
    pub(super) serde: &'static str,
}

/// The structs and enums met while tracing.
pub(super) type Registry = BTreeMap<TypeKey, Container>;

/// Two passes saw different things where one type was expected: two types of one name.
#[derive(Debug)]
pub(super) struct Conflict;

/// What a value is, as far as the passes so far have seen.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Shape {
    /// Not reached yet.
    Unknown,
    /// A number, `bool`, `char`, `str`, `bytes` or `()`.
    Primitive(&'static str),
    Option(Box<Shape>),
    Seq(Box<Shape>),
    Map(Box<Shape>, Box<Shape>),
    /// A tuple or an array.
    Tuple(Vec<Shape>),
    /// A struct or enum, found in the registry.
    Named(TypeKey),
}

/// A struct's or a struct variant's fields, in their declared order.
pub(super) type Fields = Vec<(&'static str, Shape)>;

/// What a named type is.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Container {
    /// A struct of any kind: unit, newtype, tuple or with named fields.
    Struct(Content),
    Enum(EnumShape),
}

/// An enum: every variant it has, and the content of those visited so far.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct EnumShape {
    pub(super) variants: &'static [&'static str],
    pub(super) explored: BTreeMap<&'static str, Content>,
}

/// What a struct or an enum variant holds.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Content {
    Unit,
    NewType(Shape),
    Tuple(Vec<Shape>),
    Fields(Fields),
}

impl Shape {
    /// Adds what another pass saw of the same value: a part one of them did not reach is taken from the
    /// other. Anything else that differs means two types of one name.
    pub(super) fn merge(&mut self, other: Shape) -> Result<(), Conflict> {
        match (&mut *self, other) {
            (_, Shape::Unknown) => Ok(()),
            (Shape::Unknown, other) => {
                *self = other;
                Ok(())
            }
            (Shape::Option(mine), Shape::Option(other)) | (Shape::Seq(mine), Shape::Seq(other)) => mine.merge(*other),
            (Shape::Map(key, value), Shape::Map(other_key, other_value)) => {
                key.merge(*other_key)?;
                value.merge(*other_value)
            }
            (Shape::Tuple(mine), Shape::Tuple(other)) => merge_all(mine, other),
            (mine, other) if *mine == other => Ok(()),
            _ => Err(Conflict),
        }
    }

    /// Calls `f` with each struct or enum this shape holds, not looking into them.
    pub(super) fn for_each_type(&self, f: &mut impl FnMut(TypeKey)) {
        match self {
            Shape::Unknown | Shape::Primitive(_) => {}
            Shape::Option(inner) | Shape::Seq(inner) => inner.for_each_type(f),
            Shape::Map(key, value) => {
                key.for_each_type(f);
                value.for_each_type(f);
            }
            Shape::Tuple(shapes) => shapes.iter().for_each(|shape| shape.for_each_type(f)),
            Shape::Named(key) => f(*key),
        }
    }

    /// The text of this shape; `open` holds the containers being rendered, so a recursive type names
    /// itself.
    fn render(&self, registry: &Registry, open: &mut Vec<TypeKey>) -> String {
        match self {
            Shape::Unknown => "?".to_owned(),
            Shape::Primitive(name) => (*name).to_owned(),
            Shape::Option(inner) => format!("option<{}>", inner.render(registry, open)),
            Shape::Seq(inner) => format!("[{}]", inner.render(registry, open)),
            Shape::Map(key, value) => format!("map<{}, {}>", key.render(registry, open), value.render(registry, open)),
            Shape::Tuple(shapes) => {
                let rendered: Vec<String> = shapes.iter().map(|shape| shape.render(registry, open)).collect();
                match rendered.as_slice() {
                    // An array, or a tuple of one type: JSON stores both as a list.
                    [first, rest @ ..] if !rest.is_empty() && rest.iter().all(|other| other == first) => {
                        format!("[{first}; {}]", rendered.len())
                    }
                    _ => format!("({})", rendered.join(", ")),
                }
            }
            Shape::Named(key) => {
                let Some(container) = registry.get(key).filter(|_| !open.contains(key)) else {
                    return key.serde.to_owned();
                };
                open.push(*key);
                let text = container.render(registry, open);
                open.pop();
                text
            }
        }
    }
}

fn merge_all(mine: &mut [Shape], other: Vec<Shape>) -> Result<(), Conflict> {
    if mine.len() != other.len() {
        return Err(Conflict);
    }
    mine.iter_mut().zip(other).try_for_each(|(mine, other)| mine.merge(other))
}

fn merge_fields(mine: &mut Fields, other: Fields) -> Result<(), Conflict> {
    if mine.len() != other.len() || mine.iter().zip(&other).any(|((a, _), (b, _))| a != b) {
        return Err(Conflict);
    }
    mine.iter_mut().zip(other).try_for_each(|((_, mine), (_, other))| mine.merge(other))
}

impl Container {
    /// Adds what another pass saw of the same type.
    pub(super) fn merge(&mut self, other: Container) -> Result<(), Conflict> {
        match (&mut *self, other) {
            (Container::Struct(mine), Container::Struct(other)) => mine.merge(other),
            (Container::Enum(mine), Container::Enum(other)) if mine.variants == other.variants => {
                for (variant, seen) in other.explored {
                    match mine.explored.get_mut(variant) {
                        Some(known) => known.merge(seen)?,
                        None => {
                            mine.explored.insert(variant, seen);
                        }
                    }
                }
                Ok(())
            }
            _ => Err(Conflict),
        }
    }

    /// The shapes inside: a struct's fields, the content of an enum's visited variants.
    pub(super) fn all_fields(&self) -> Vec<&Shape> {
        match self {
            Container::Struct(content) => content.fields(),
            Container::Enum(shape) => shape.explored.values().flat_map(Content::fields).collect(),
        }
    }

    fn render(&self, registry: &Registry, open: &mut Vec<TypeKey>) -> String {
        let list = |shapes: &[Shape], open: &mut Vec<TypeKey>| {
            shapes.iter().map(|shape| shape.render(registry, open)).collect::<Vec<_>>().join(", ")
        };
        match self {
            Container::Struct(Content::Unit) => "()".to_owned(),
            // JSON stores a newtype as its content.
            Container::Struct(Content::NewType(inner)) => inner.render(registry, open),
            Container::Struct(Content::Tuple(shapes)) => format!("({})", list(shapes, open)),
            Container::Struct(Content::Fields(fields)) => render_fields(fields, registry, open),
            // Variants by name (the map's order), as JSON finds them.
            Container::Enum(shape) => {
                let variants: Vec<String> = shape
                    .explored
                    .iter()
                    .map(|(name, variant)| match variant {
                        Content::Unit => (*name).to_owned(),
                        Content::NewType(inner) => format!("{name}({})", inner.render(registry, open)),
                        Content::Tuple(shapes) => format!("{name}({})", list(shapes, open)),
                        Content::Fields(fields) => format!("{name} {}", render_fields(fields, registry, open)),
                    })
                    .collect();
                format!("enum {{{}}}", variants.join(" | "))
            }
        }
    }
}

impl EnumShape {
    pub(super) fn new(variants: &'static [&'static str]) -> Self {
        EnumShape { variants, explored: BTreeMap::new() }
    }
}

impl Content {
    /// The shapes it holds.
    pub(super) fn fields(&self) -> Vec<&Shape> {
        match self {
            Content::Unit => Vec::new(),
            Content::NewType(shape) => vec![shape],
            Content::Tuple(shapes) => shapes.iter().collect(),
            Content::Fields(fields) => fields.iter().map(|(_, shape)| shape).collect(),
        }
    }

    fn merge(&mut self, other: Content) -> Result<(), Conflict> {
        match (&mut *self, other) {
            (Content::Unit, Content::Unit) => Ok(()),
            (Content::NewType(mine), Content::NewType(other)) => mine.merge(other),
            (Content::Tuple(mine), Content::Tuple(other)) => merge_all(mine, other),
            (Content::Fields(mine), Content::Fields(other)) => merge_fields(mine, other),
            _ => Err(Conflict),
        }
    }
}

/// Fields by name, as JSON finds them.
fn render_fields(fields: &Fields, registry: &Registry, open: &mut Vec<TypeKey>) -> String {
    let mut fields: Vec<&(&'static str, Shape)> = fields.iter().collect();
    fields.sort_by_key(|(name, _)| *name);
    let fields: Vec<String> =
        fields.into_iter().map(|(name, shape)| format!("{name}: {}", shape.render(registry, open))).collect();
    format!("{{{}}}", fields.join(", "))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::serde_shape;

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Item {
        sku: String,
        qty: u32,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    enum Size {
        Small,
        Large { grams: u16 },
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Line {
        item: Item,
        size: Size,
    }

    #[derive(Deserialize)]
    #[serde(transparent)]
    #[allow(dead_code)]
    struct OldCart(Vec<String>);

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Tree {
        children: Vec<Tree>,
    }

    #[test]
    fn shapes_follow_what_json_stores() {
        assert_eq!(serde_shape::<u64>(), "u64");
        assert_eq!(serde_shape::<Vec<String>>(), "[str]");
        assert_eq!(serde_shape::<Option<(bool, i8)>>(), "option<(bool, i8)>");
        assert_eq!(serde_shape::<BTreeMap<String, u32>>(), "map<str, u32>");
        assert_eq!(serde_shape::<Vec<Item>>(), "[{qty: u32, sku: str}]", "fields by name, as JSON finds them");
        assert_eq!(serde_shape::<OldCart>(), serde_shape::<Vec<String>>(), "a newtype stores its content");
    }

    #[test]
    fn every_variant_of_nested_enums_is_traced() {
        assert_eq!(serde_shape::<Size>(), "enum {Large {grams: u16} | Small}", "variants by name");
        assert_eq!(
            serde_shape::<Vec<Line>>(),
            "[{item: {qty: u32, sku: str}, size: enum {Large {grams: u16} | Small}}]"
        );
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    enum Theme {
        Light,
        Dark,
        Sepia,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Prefs {
        theme: Option<Theme>,
        by_page: BTreeMap<String, Theme>,
        font: u8,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    enum Plan {
        Free,
        Paid { theme: Theme, sizes: Vec<Size> },
    }

    #[test]
    fn every_variant_of_an_enum_behind_an_option_a_map_or_a_later_variant_is_traced() {
        let theme = "enum {Dark | Light | Sepia}";
        assert_eq!(serde_shape::<Prefs>(), format!("{{by_page: map<str, {theme}>, font: u8, theme: option<{theme}>}}"));
        assert_eq!(
            serde_shape::<Option<Plan>>(),
            format!("option<enum {{Free | Paid {{sizes: [enum {{Large {{grams: u16}} | Small}}], theme: {theme}}}}}>")
        );
        assert_eq!(serde_shape::<[Option<Theme>; 2]>(), format!("[option<{theme}>; 2]"));
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    enum Expr {
        Neg(Box<Expr>),
        Add(Box<Expr>, Box<Expr>),
        Lit(u8),
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    enum Nest {
        Many(Vec<Nest>),
        Maybe(Option<Box<Nest>>),
    }

    #[test]
    fn a_recursive_enum_is_traced_whichever_variant_comes_first() {
        assert_eq!(serde_shape::<Expr>(), "enum {Add(Expr, Expr) | Lit(u8) | Neg(Expr)}");
        assert_eq!(serde_shape::<Nest>(), "enum {Many([Nest]) | Maybe(option<Nest>)}");
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Page<T> {
        items: Vec<T>,
        total: u32,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    enum Change<T> {
        Set(T),
        Clear,
    }

    mod other {
        #[derive(serde::Deserialize)]
        #[allow(dead_code)]
        pub struct Item {
            pub theme: Option<u8>,
        }
    }

    #[test]
    fn types_of_one_serde_name_are_told_apart() {
        assert_eq!(
            serde_shape::<(Page<Item>, Page<Size>)>(),
            "({items: [{qty: u32, sku: str}], total: u32}, {items: [enum {Large {grams: u16} | Small}], total: u32})"
        );
        assert_eq!(serde_shape::<(Change<u8>, Change<String>)>(), "(enum {Clear | Set(u8)}, enum {Clear | Set(str)})");
        assert_eq!(serde_shape::<(Item, other::Item)>(), "({qty: u32, sku: str}, {theme: option<u8>})");
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    enum Filter {
        Not(Box<Filter>),
        All(Vec<Filter>),
    }

    /// Seventy variants that recurse, then the one that ends the recursion.
    macro_rules! deep_enum {
        ($($variant:ident)*) => {
            #[derive(Deserialize)]
            #[allow(dead_code)]
            enum Deep { $($variant(Box<Deep>),)* Leaf }
        };
    }
    deep_enum!(
        R00 R01 R02 R03 R04 R05 R06 R07 R08 R09 R10 R11 R12 R13 R14 R15 R16 R17 R18 R19 R20 R21 R22 R23 R24 R25
        R26 R27 R28 R29 R30 R31 R32 R33 R34 R35 R36 R37 R38 R39 R40 R41 R42 R43 R44 R45 R46 R47 R48 R49 R50 R51
        R52 R53 R54 R55 R56 R57 R58 R59 R60 R61 R62 R63 R64 R65 R66 R67 R68 R69
    );

    #[test]
    fn a_recursive_enum_whose_way_out_is_a_collection_or_its_last_variant_is_traced() {
        assert_eq!(serde_shape::<Filter>(), "enum {All([Filter]) | Not(Filter)}");
        let deep = serde_shape::<Deep>();
        assert!(deep.starts_with("enum {Leaf | R00(Deep) | R01(Deep)") && deep.ends_with("| R69(Deep)}"), "{deep}");
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    enum Formula {
        Not(Box<Formula>),
        Atom(Atom),
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    enum Atom {
        Group(Box<Formula>),
        Var(String),
    }

    #[test]
    fn enums_that_hold_each_other_are_traced() {
        assert_eq!(serde_shape::<Formula>(), "enum {Atom(enum {Group(Formula) | Var(str)}) | Not(Formula)}");
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Aliased {
        #[serde(alias = "amount")]
        qty: u32,
        sku: String,
    }

    #[test]
    fn a_struct_with_aliases_is_untraced_rather_than_misread() {
        let shape = serde_shape::<Aliased>();
        assert!(shape.starts_with("untraced (") && shape.contains("aliases"), "{shape}");
    }

    #[test]
    fn a_recursive_type_names_itself() {
        assert_eq!(serde_shape::<Tree>(), "{children: [Tree]}");
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    enum Role {
        Admin,
        Shopper,
    }

    /// Types whose `Deserialize` refuses the first sample, beside an enum a lock must still see into.
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct SignIn {
        address: std::net::IpAddr,
        peer: std::net::SocketAddr,
        attempts: std::num::NonZeroU32,
        offset: std::num::NonZeroI8,
        role: Role,
    }

    #[test]
    fn a_type_that_checks_values_is_traced_from_a_sample_it_accepts() {
        assert_eq!(
            serde_shape::<SignIn>(),
            "{address: str, attempts: u32, offset: i8, peer: str, role: enum {Admin | Shopper}}"
        );
    }

    /// A string that only one of the tracer's samples satisfies, checked in a type nested in an option.
    #[allow(dead_code)]
    struct Email(String);

    impl<'de> Deserialize<'de> for Email {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let address = String::deserialize(deserializer)?;
            match address.split_once('@') {
                Some((user, domain)) if !user.is_empty() && domain.contains('.') => Ok(Email(address)),
                _ => Err(serde::de::Error::custom("not an e-mail address")),
            }
        }
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Contact {
        email: Option<Email>,
        backup: Vec<Email>,
    }

    #[test]
    fn every_checked_value_of_a_pass_gets_a_sample_of_its_own() {
        assert_eq!(serde_shape::<Contact>(), "{backup: [str], email: option<str>}");
    }

    /// A type that refuses every value: its shape says why.
    #[allow(dead_code)]
    struct Never;

    impl<'de> Deserialize<'de> for Never {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            u8::deserialize(deserializer)?;
            Err(serde::de::Error::custom("no value is accepted"))
        }
    }

    #[test]
    fn a_type_that_refuses_every_sample_is_untraced_with_its_reason() {
        assert_eq!(serde_shape::<Option<Never>>(), "untraced (no value is accepted)");
    }

    /// A checked value read just before a part the tracer cannot follow.
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Seen {
        from: std::net::IpAddr,
        extra: serde_json::Value,
    }

    #[test]
    fn an_untraced_type_names_the_part_that_stops_the_trace_not_the_sample_before_it() {
        assert_eq!(serde_shape::<Seen>(), "untraced (a type that reads any value (`deserialize_any`))");
    }

    #[test]
    fn a_self_describing_type_is_untraced_not_a_panic() {
        assert!(serde_shape::<serde_json::Value>().starts_with("untraced ("), "{}", serde_shape::<serde_json::Value>());
    }
}
