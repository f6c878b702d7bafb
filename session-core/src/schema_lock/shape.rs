//! The serde format of a `#[session]` field's type as one line of text, traced by `serde-reflection`.
//!
//! Names of structs and enums are left out where JSON does not carry them (a struct is its fields, a
//! newtype its content), so renaming a type changes nothing, while anything that changes what JSON a
//! value stores (a field added or renamed, a variant removed, a number widened to a string) changes the
//! text. A struct's fields and an enum's variants are listed by name: JSON finds them by name, so
//! reordering them in the code changes nothing either.

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;
use serde_reflection::{ContainerFormat, Format, FormatHolder, Named, Registry, Tracer, TracerConfig, VariantFormat};

/// How often tracing restarts to reach enum variants hidden inside other types.
const MAX_ROUNDS: usize = 16;

/// How the shape of a type serde-reflection cannot follow begins; the reason follows.
pub(crate) const UNTRACED: &str = "untraced (";

/// The stored form of `T`, or `untraced (reason)` for a type serde-reflection cannot follow (one that
/// deserializes through `deserialize_any`, or checks values as it reads them).
pub(crate) fn serde_shape<T: DeserializeOwned>() -> String {
    match trace::<T>() {
        Ok((format, registry)) => render(&format, &registry, &mut Vec::new()),
        Err(error) => format!("{UNTRACED}{error})"),
    }
}

/// Traces `T` until every variant of every enum it contains is known. serde-reflection reaches the variants
/// of the outer type by itself; those of enums nested deeper are named in its error, and each round
/// starts afresh asking for them too.
fn trace<T: DeserializeOwned>() -> Result<(Format, Registry), serde_reflection::Error> {
    let mut nested_enums: BTreeSet<String> = BTreeSet::new();
    for _ in 0..MAX_ROUNDS {
        let mut tracer = Tracer::new(TracerConfig::default().is_human_readable(true));
        let (mut format, _) = tracer.trace_simple_type::<T>()?;
        loop {
            let mut incomplete = false;
            for name in &nested_enums {
                incomplete |= tracer.check_incomplete_enum(name).is_some();
            }
            if !incomplete {
                break;
            }
            tracer.trace_type_once::<T>(&serde_reflection::Samples::new())?;
        }
        match tracer.registry() {
            Ok(registry) => {
                let _ = format.normalize();
                return Ok((format, registry));
            }
            Err(serde_reflection::Error::MissingVariants(names)) if !names.iter().all(|n| nested_enums.contains(n)) => {
                nested_enums.extend(names);
            }
            Err(error) => return Err(error),
        }
    }
    Err(serde_reflection::Error::Custom("enums nested too deeply".to_owned()))
}

/// `format` as text; `open` holds the containers being rendered, so a recursive type names itself.
fn render(format: &Format, registry: &Registry, open: &mut Vec<String>) -> String {
    let list = |formats: &[Format], open: &mut Vec<String>| {
        formats.iter().map(|f| render(f, registry, open)).collect::<Vec<_>>().join(", ")
    };
    match format {
        Format::TypeName(name) => {
            if open.contains(name) {
                return name.clone();
            }
            let Some(container) = registry.get(name) else { return name.clone() };
            open.push(name.clone());
            let text = render_container(container, registry, open);
            open.pop();
            text
        }
        Format::Variable(_) => "?".to_owned(),
        Format::Unit => "()".to_owned(),
        Format::Bool => "bool".to_owned(),
        Format::I8 => "i8".to_owned(),
        Format::I16 => "i16".to_owned(),
        Format::I32 => "i32".to_owned(),
        Format::I64 => "i64".to_owned(),
        Format::I128 => "i128".to_owned(),
        Format::U8 => "u8".to_owned(),
        Format::U16 => "u16".to_owned(),
        Format::U32 => "u32".to_owned(),
        Format::U64 => "u64".to_owned(),
        Format::U128 => "u128".to_owned(),
        Format::F32 => "f32".to_owned(),
        Format::F64 => "f64".to_owned(),
        Format::Char => "char".to_owned(),
        Format::Str => "str".to_owned(),
        Format::Bytes => "bytes".to_owned(),
        Format::Option(inner) => format!("option<{}>", render(inner, registry, open)),
        Format::Seq(inner) => format!("[{}]", render(inner, registry, open)),
        Format::Map { key, value } => {
            format!("map<{}, {}>", render(key, registry, open), render(value, registry, open))
        }
        Format::Tuple(formats) => format!("({})", list(formats, open)),
        Format::TupleArray { content, size } => format!("[{}; {size}]", render(content, registry, open)),
    }
}

fn render_container(container: &ContainerFormat, registry: &Registry, open: &mut Vec<String>) -> String {
    match container {
        ContainerFormat::UnitStruct => "()".to_owned(),
        // JSON stores a newtype as its content.
        ContainerFormat::NewTypeStruct(inner) => render(inner, registry, open),
        ContainerFormat::TupleStruct(formats) => {
            format!("({})", formats.iter().map(|f| render(f, registry, open)).collect::<Vec<_>>().join(", "))
        }
        ContainerFormat::Struct(fields) => render_fields(fields, registry, open),
        ContainerFormat::Enum(variants) => {
            let mut variants: Vec<&Named<VariantFormat>> = variants.values().collect();
            variants.sort_by(|a, b| a.name.cmp(&b.name));
            let variants: Vec<String> = variants
                .into_iter()
                .map(|Named { name, value }| match value {
                    VariantFormat::Unit => name.clone(),
                    VariantFormat::NewType(inner) => format!("{name}({})", render(inner, registry, open)),
                    VariantFormat::Tuple(formats) => format!(
                        "{name}({})",
                        formats.iter().map(|f| render(f, registry, open)).collect::<Vec<_>>().join(", ")
                    ),
                    VariantFormat::Struct(fields) => format!("{name} {}", render_fields(fields, registry, open)),
                    VariantFormat::Variable(_) => format!("{name}(?)"),
                })
                .collect();
            format!("enum {{{}}}", variants.join(" | "))
        }
    }
}

fn render_fields(fields: &[Named<Format>], registry: &Registry, open: &mut Vec<String>) -> String {
    let mut fields: Vec<&Named<Format>> = fields.iter().collect();
    fields.sort_by(|a, b| a.name.cmp(&b.name));
    let fields: Vec<String> =
        fields.into_iter().map(|Named { name, value }| format!("{name}: {}", render(value, registry, open))).collect();
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

    #[test]
    fn a_recursive_type_names_itself() {
        assert_eq!(serde_shape::<Tree>(), "{children: [Tree]}");
    }

    #[test]
    fn a_self_describing_type_is_untraced_not_a_panic() {
        assert!(serde_shape::<serde_json::Value>().starts_with("untraced ("), "{}", serde_shape::<serde_json::Value>());
    }
}
