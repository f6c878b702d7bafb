//! Tracing a type's serde format: a deserializer that answers every request of a `Deserialize` impl with a
//! made-up value and writes down what was asked for.
//!
//! `serde-reflection` does the same, but it reaches the variants of an enum nested in an `Option`, a
//! sequence or a map, or in any variant of an outer enum but the first, only once: each later pass through
//! the type stops at what it has seen, so such an enum was written down with its first variant alone, and
//! a lock could not see one of its other variants removed. Here each pass starts afresh, stopping only
//! where a type would recurse, while what every enum has shown so far is kept from pass to pass: passes
//! repeat until every variant of every enum the type can hold has been visited.
//!
//! Structs and enums are told apart by their Rust type (`std::any::type_name` of the value a visitor
//! builds), not by the name serde gives them: `Page<Cart>` and `Page<Prefs>`, or two `Settings` of two
//! modules, are different types of one serde name.

use std::{
    any::type_name,
    collections::{BTreeSet, HashMap, HashSet},
};

use serde::de::{self, value::BorrowedStrDeserializer, DeserializeOwned, DeserializeSeed, Visitor};

use super::shape::{Conflict, Container, Content, EnumShape, Fields, Registry, Shape, TypeKey};

/// A bound on the passes, each of which visits at least one new variant: far more variants than any type
/// a session holds has.
const MAX_PASSES: usize = 1 << 16;

/// How deeply containers may nest in one pass before the type counts as recursing with no way out.
const MAX_DEPTH: usize = 64;

/// The stack of the thread a trace runs on. Each level of nesting takes the frames of the type's own
/// `Deserialize` as well as the tracer's, so `MAX_DEPTH` levels need more than a test thread's 2 MiB.
const STACK_BYTES: usize = 64 << 20;

/// Why a type could not be traced.
#[derive(Debug)]
pub(super) struct TraceError(String);

impl std::fmt::Display for TraceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TraceError {}

impl de::Error for TraceError {
    fn custom<T: std::fmt::Display>(message: T) -> Self {
        TraceError(message.to_string())
    }
}

impl From<Conflict> for TraceError {
    fn from(_: Conflict) -> Self {
        TraceError("a type read differently from one pass to the next".to_owned())
    }
}

/// The format of `T` and of every struct and enum it holds, on a thread with room for deep types.
pub(super) fn trace<T: DeserializeOwned>() -> Result<(Shape, Registry), TraceError> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("schema-lock-trace".to_owned())
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, trace_here::<T>)
            .map_err(|error| TraceError(format!("no thread to trace on: {error}")))?
            .join()
            .unwrap_or_else(|_| Err(TraceError("its `Deserialize` panicked".to_owned())))
    })
}

fn trace_here<T: DeserializeOwned>() -> Result<(Shape, Registry), TraceError> {
    let mut tracer = Tracer::default();
    let mut root = Shape::Unknown;
    for _ in 0..MAX_PASSES {
        let explored_before = tracer.explored_variants();
        tracer.entered.clear();
        tracer.last_sample = None;
        let mut shape = Shape::Unknown;
        if let Err(error) = T::deserialize(Tracing { tracer: &mut tracer, slot: &mut shape, place: Place::root() }) {
            match tracer.last_sample.take() {
                Some(place) => *tracer.refused.entry(place).or_default() += 1,
                None => return Err(error),
            }
            continue;
        }
        root.merge(shape)?;
        if !tracer.needs_visit(&root, &mut BTreeSet::new()) {
            return Ok((root, tracer.registry));
        }
        if tracer.explored_variants() == explored_before {
            return Err(TraceError("enum variants that no pass could reach".to_owned()));
        }
    }
    Err(TraceError("more enum variants than a trace visits".to_owned()))
}

/// What all passes have learnt, and where the current one is.
#[derive(Default)]
struct Tracer {
    /// Every struct and enum met so far.
    registry: Registry,
    /// The containers the current pass is inside, outermost first, with the variant taken for an enum.
    open: Vec<(TypeKey, Option<&'static str>)>,
    /// The options, sequences and maps the current pass has looked into, by the container they are in and
    /// their place there: met again, deeper in the same pass, the type recurses, and they are left empty.
    entered: HashSet<(Option<TypeKey>, String)>,
    /// How many samples the type at each place has refused: the passes that follow offer it the next.
    refused: HashMap<(Option<TypeKey>, String), usize>,
    /// Where the current pass last offered a sample, if another is left to offer there. A pass that ends
    /// in an error right after is taken for a refusal of it: the primitive's own visitor refuses it
    /// (`Uuid`), or the type built from the primitive does (`#[serde(try_from = "String")]`).
    last_sample: Option<(Option<TypeKey>, String)>,
}

impl Tracer {
    /// The trace cannot follow the type, for `reason`: no other sample would change that, so the pass is
    /// not retried with one.
    fn untraceable(&mut self, reason: String) -> TraceError {
        self.last_sample = None;
        TraceError(reason)
    }

    fn explored_variants(&self) -> usize {
        self.registry
            .values()
            .map(|container| match container {
                Container::Enum(shape) => shape.explored.len(),
                _ => 0,
            })
            .sum()
    }

    fn is_open(&self, key: TypeKey) -> bool {
        self.open.iter().any(|(open, _)| *open == key)
    }

    /// Whether `shape` holds an enum with a variant not yet visited, at any depth.
    fn needs_visit(&self, shape: &Shape, seen: &mut BTreeSet<TypeKey>) -> bool {
        let mut needs = false;
        shape.for_each_type(&mut |key| {
            if needs || !seen.insert(key) {
                return;
            }
            needs = match self.registry.get(&key) {
                Some(Container::Enum(shape)) => {
                    shape.explored.len() < shape.variants.len()
                        || shape
                            .explored
                            .values()
                            .any(|variant| variant.fields().into_iter().any(|field| self.needs_visit(field, seen)))
                }
                Some(container) => container.all_fields().into_iter().any(|field| self.needs_visit(field, seen)),
                None => false,
            };
        });
        needs
    }

    /// Whether `shape` holds, at any depth, one of the containers the pass is inside.
    fn reaches_open(&self, shape: &Shape, seen: &mut BTreeSet<TypeKey>) -> bool {
        let mut reaches = false;
        shape.for_each_type(&mut |key| {
            if reaches || !seen.insert(key) {
                return;
            }
            reaches = self.is_open(key)
                || self.registry.get(&key).is_some_and(|container| {
                    container.all_fields().into_iter().any(|field| self.reaches_open(field, seen))
                });
        });
        reaches
    }

    /// Whether this pass has looked into an option, sequence or map inside `variant` of `key`: taken
    /// again, the variant stops there.
    fn entered_inside(&self, key: TypeKey, variant: &str) -> bool {
        self.entered.iter().any(|(container, path)| {
            *container == Some(key)
                && path.strip_prefix(variant).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    }

    /// The variant of enum `key` this pass takes.
    ///
    /// Outside itself: one not visited yet, else one that leads to an enum with a variant not visited yet,
    /// else the first. Inside itself (a recursive enum), so that the recursion ends: one visited that
    /// does not lead back into a container the pass is inside; else one not visited yet and not being
    /// visited, the last declared first (where the variant that ends a recursion usually is, if it is not
    /// the first, which the pass outside took already); else one whose option, sequence or map this pass
    /// has already looked into (taken again, it stops there); else the one taken where it is open
    /// innermost, which leads through another enum whose own choice then ends the recursion (an `Expr`
    /// that holds an `Atom` that holds an `Expr`).
    fn choose_variant(&mut self, key: TypeKey, variants: &'static [&'static str]) -> Result<&'static str, TraceError> {
        let Container::Enum(shape) =
            self.registry.entry(key).or_insert_with(|| Container::Enum(EnumShape::new(variants)))
        else {
            return Err(Conflict.into());
        };
        let explored = shape.explored.clone();
        let visited = |variant: &&&str| explored.contains_key(**variant);
        let fields_of = |variant: &str| explored.get(variant).map(Content::fields).unwrap_or_default();
        let chosen = if self.is_open(key) {
            let in_progress: Vec<&str> =
                self.open.iter().filter(|(open, _)| *open == key).filter_map(|(_, v)| *v).collect();
            variants
                .iter()
                .filter(visited)
                .find(|variant| !fields_of(variant).iter().any(|field| self.reaches_open(field, &mut BTreeSet::new())))
                .or_else(|| variants.iter().rev().find(|variant| !visited(variant) && !in_progress.contains(*variant)))
                .or_else(|| variants.iter().find(|variant| self.entered_inside(key, variant)))
                .or_else(|| variants.iter().find(|variant| in_progress.last() == Some(*variant)))
        } else {
            variants.iter().find(|variant| !visited(variant)).or_else(|| {
                variants.iter().find(|variant| {
                    fields_of(variant).iter().any(|field| self.needs_visit(field, &mut BTreeSet::from([key])))
                })
            })
        };
        Ok(chosen.copied().unwrap_or(variants[0]))
    }

    /// Adds what a pass saw of container `key` to what earlier ones did.
    fn record(&mut self, key: TypeKey, seen: Container) -> Result<(), TraceError> {
        match self.registry.get_mut(&key) {
            Some(known) => Ok(known.merge(seen)?),
            None => {
                self.registry.insert(key, seen);
                Ok(())
            }
        }
    }

    fn enter(&mut self, key: TypeKey, variant: Option<&'static str>) -> Result<(), TraceError> {
        if self.open.len() >= MAX_DEPTH {
            return Err(self.untraceable(format!("`{}` nests more than {MAX_DEPTH} containers deep", key.serde)));
        }
        self.open.push((key, variant));
        Ok(())
    }
}

/// The struct or enum whose value `V` builds.
fn key_of<'de, V: Visitor<'de>>(serde_name: &'static str) -> TypeKey {
    TypeKey { rust: type_name::<V::Value>(), serde: serde_name }
}

/// Where a value is: the container it is in and its path within it, which tell a recursion.
#[derive(Clone)]
struct Place {
    container: Option<TypeKey>,
    path: String,
}

impl Place {
    fn root() -> Self {
        Place { container: None, path: String::new() }
    }

    fn inside(container: TypeKey, step: &str) -> Self {
        Place { container: Some(container), path: step.to_owned() }
    }

    fn then(&self, step: &str) -> Self {
        Place { container: self.container, path: format!("{}/{step}", self.path) }
    }
}

/// The deserializer of one value: what it is asked for goes into `slot`.
struct Tracing<'a> {
    tracer: &'a mut Tracer,
    slot: &'a mut Shape,
    place: Place,
}

impl Tracing<'_> {
    /// A primitive `name`, visited with the first of `samples` that the type has not refused here: a type
    /// whose `Deserialize` checks values (`NonZeroU32`, `IpAddr`, `Uuid`) refuses some, and a pass that
    /// ends in an error right after a sample is traced again with the next one there.
    fn primitive<'de, T: Copy, V: Visitor<'de>>(
        self,
        name: &'static str,
        samples: &[T],
        visitor: V,
        visit: impl FnOnce(V, T) -> Result<V::Value, TraceError>,
    ) -> Result<V::Value, TraceError> {
        self.slot.merge(Shape::Primitive(name))?;
        let place = (self.place.container, self.place.path);
        let refused = self.tracer.refused.get(&place).copied().unwrap_or(0);
        self.tracer.last_sample = (refused + 1 < samples.len()).then_some(place);
        visit(visitor, samples[refused])
    }

    /// Whether an option, sequence or map here should be looked into: not if this pass already did, deeper
    /// up, at the same place of the same container.
    fn enters(&mut self) -> bool {
        self.tracer.entered.insert((self.place.container, self.place.path.clone()))
    }

    /// Visits a value of `places.len()` elements through `visitor.visit_seq`, each written into a slot of
    /// its own.
    fn elements<'de, V: Visitor<'de>>(
        tracer: &mut Tracer,
        places: Vec<Place>,
        visitor: V,
    ) -> Result<(V::Value, Vec<Shape>), TraceError> {
        let mut shapes = vec![Shape::Unknown; places.len()];
        let value = visitor.visit_seq(Elements { tracer, slots: places.into_iter().zip(shapes.iter_mut()) })?;
        Ok((value, shapes))
    }

    /// A struct, tuple struct or newtype: `visit` sees its content with the container open.
    fn container<T>(
        self,
        key: TypeKey,
        visit: impl FnOnce(&mut Tracer) -> Result<(T, Container), TraceError>,
    ) -> Result<T, TraceError> {
        self.tracer.enter(key, None)?;
        let result = visit(self.tracer);
        self.tracer.open.pop();
        let (value, seen) = result?;
        self.tracer.record(key, seen)?;
        self.slot.merge(Shape::Named(key))?;
        Ok(value)
    }
}

/// Values of each primitive for the tracer to build a type from: the first that a type accepts is used. A
/// type that checks its value accepts some: numbers other than zero (`NonZeroU32`), and strings that are
/// an IP address, socket address, date, time, UUID, URL, e-mail address or language tag.
const INTEGERS: [u8; 2] = [0, 1];
const STRINGS: [&str; 13] = [
    "",
    "0",
    "a",
    "en",
    "0.0.0.0",
    "0.0.0.0:0",
    "1970-01-01",
    "00:00:00",
    "1970-01-01T00:00:00",
    "1970-01-01T00:00:00Z",
    "00000000-0000-0000-0000-000000000000",
    "http://localhost/",
    "a@example.com",
];

macro_rules! primitives {
    ($($method:ident => $name:literal, $samples:expr, |$visitor:ident, $sample:ident| $visit:expr;)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
                self.primitive($name, &$samples, visitor, |$visitor, $sample| $visit)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for Tracing<'_> {
    type Error = TraceError;

    primitives! {
        deserialize_bool => "bool", [false], |visitor, sample| visitor.visit_bool(sample);
        deserialize_i8 => "i8", INTEGERS, |visitor, sample| visitor.visit_i8(sample.cast_signed());
        deserialize_i16 => "i16", INTEGERS, |visitor, sample| visitor.visit_i16(sample.into());
        deserialize_i32 => "i32", INTEGERS, |visitor, sample| visitor.visit_i32(sample.into());
        deserialize_i64 => "i64", INTEGERS, |visitor, sample| visitor.visit_i64(sample.into());
        deserialize_i128 => "i128", INTEGERS, |visitor, sample| visitor.visit_i128(sample.into());
        deserialize_u8 => "u8", INTEGERS, |visitor, sample| visitor.visit_u8(sample);
        deserialize_u16 => "u16", INTEGERS, |visitor, sample| visitor.visit_u16(sample.into());
        deserialize_u32 => "u32", INTEGERS, |visitor, sample| visitor.visit_u32(sample.into());
        deserialize_u64 => "u64", INTEGERS, |visitor, sample| visitor.visit_u64(sample.into());
        deserialize_u128 => "u128", INTEGERS, |visitor, sample| visitor.visit_u128(sample.into());
        deserialize_f32 => "f32", INTEGERS, |visitor, sample| visitor.visit_f32(sample.into());
        deserialize_f64 => "f64", INTEGERS, |visitor, sample| visitor.visit_f64(sample.into());
        deserialize_char => "char", ['A'], |visitor, sample| visitor.visit_char(sample);
        deserialize_str => "str", STRINGS, |visitor, sample| visitor.visit_borrowed_str(sample);
        deserialize_string => "str", STRINGS, |visitor, sample| visitor.visit_string(sample.to_owned());
        deserialize_bytes => "bytes", [&b""[..]], |visitor, sample| visitor.visit_borrowed_bytes(sample);
        deserialize_byte_buf => "bytes", [&b""[..]], |visitor, sample| visitor.visit_byte_buf(sample.to_vec());
        deserialize_unit => "()", [()], |visitor, _sample| visitor.visit_unit();
    }

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, TraceError> {
        Err(self.tracer.untraceable("a type that reads any value (`deserialize_any`)".to_owned()))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, TraceError> {
        Err(self.tracer.untraceable("a type that skips values (`deserialize_ignored_any`)".to_owned()))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, _: V) -> Result<V::Value, TraceError> {
        Err(self.tracer.untraceable("a type that reads identifiers (`deserialize_identifier`)".to_owned()))
    }

    fn deserialize_option<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, TraceError> {
        let mut content = Shape::Unknown;
        let value = if self.enters() {
            let place = self.place.then("some");
            visitor.visit_some(Tracing { tracer: &mut *self.tracer, slot: &mut content, place })?
        } else {
            visitor.visit_none::<TraceError>()?
        };
        self.slot.merge(Shape::Option(Box::new(content)))?;
        Ok(value)
    }

    fn deserialize_seq<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, TraceError> {
        let places = if self.enters() { vec![self.place.then("[]")] } else { Vec::new() };
        let (value, mut shapes) = Self::elements(self.tracer, places, visitor)?;
        self.slot.merge(Shape::Seq(Box::new(shapes.pop().unwrap_or(Shape::Unknown))))?;
        Ok(value)
    }

    fn deserialize_map<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, TraceError> {
        let places = if self.enters() { vec![self.place.then("key"), self.place.then("value")] } else { Vec::new() };
        let mut shapes = vec![Shape::Unknown; places.len()];
        let value =
            visitor.visit_map(Elements { tracer: self.tracer, slots: places.into_iter().zip(shapes.iter_mut()) })?;
        let mut shapes = shapes.into_iter();
        let (key, value_shape) = (shapes.next().unwrap_or(Shape::Unknown), shapes.next().unwrap_or(Shape::Unknown));
        self.slot.merge(Shape::Map(Box::new(key), Box::new(value_shape)))?;
        Ok(value)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, TraceError> {
        let places = (0..len).map(|index| self.place.then(&index.to_string())).collect();
        let (value, shapes) = Self::elements(self.tracer, places, visitor)?;
        self.slot.merge(Shape::Tuple(shapes))?;
        Ok(value)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, TraceError> {
        self.container(key_of::<V>(name), |_| {
            Ok((visitor.visit_unit::<TraceError>()?, Container::Struct(Content::Unit)))
        })
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        let key = key_of::<V>(name);
        self.container(key, |tracer| {
            let mut content = Shape::Unknown;
            let place = Place::inside(key, "0");
            let value = visitor.visit_newtype_struct(Tracing { tracer, slot: &mut content, place })?;
            Ok((value, Container::Struct(Content::NewType(content))))
        })
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        let key = key_of::<V>(name);
        self.container(key, |tracer| {
            let places = (0..len).map(|index| Place::inside(key, &index.to_string())).collect();
            let (value, shapes) = Self::elements(tracer, places, visitor)?;
            Ok((value, Container::Struct(Content::Tuple(shapes))))
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        let key = key_of::<V>(name);
        self.container(key, |tracer| {
            let places = fields.iter().map(|field| Place::inside(key, field)).collect();
            let (value, shapes) = Self::elements(tracer, places, visitor)?;
            // serde lists a field's aliases among the names, but reads the fields in order, one each: with
            // fewer read than named, which name each belongs to is unknown.
            if shapes.contains(&Shape::Unknown) {
                return Err(
                    tracer.untraceable(format!("`{name}`, whose field names include aliases (`#[serde(alias)]`)"))
                );
            }
            Ok((value, Container::Struct(Content::Fields(named(fields, shapes)))))
        })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        if variants.is_empty() {
            return Err(self.tracer.untraceable(format!("`{name}`, an enum without variants")));
        }
        let key = key_of::<V>(name);
        let variant = self.tracer.choose_variant(key, variants)?;
        self.tracer.enter(key, Some(variant))?;
        let mut seen = None;
        let result = visitor.visit_enum(Variant { tracer: &mut *self.tracer, key, variant, slot: &mut seen });
        self.tracer.open.pop();
        let value = result?;
        if let Some(seen) = seen {
            let mut shape = EnumShape::new(variants);
            shape.explored.insert(variant, seen);
            self.tracer.record(key, Container::Enum(shape))?;
        }
        self.slot.merge(Shape::Named(key))?;
        Ok(value)
    }

    fn is_human_readable(&self) -> bool {
        true
    }
}

fn named(fields: &'static [&'static str], shapes: Vec<Shape>) -> Fields {
    fields.iter().copied().zip(shapes).collect()
}

/// The elements of a sequence, tuple or struct, or a map's key and value, each deserialized into its slot.
struct Elements<'t, 's, I: Iterator<Item = (Place, &'s mut Shape)>> {
    tracer: &'t mut Tracer,
    slots: I,
}

impl<'de, 's, I: Iterator<Item = (Place, &'s mut Shape)>> de::SeqAccess<'de> for Elements<'_, 's, I> {
    type Error = TraceError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, TraceError> {
        let Some((place, slot)) = self.slots.next() else { return Ok(None) };
        seed.deserialize(Tracing { tracer: &mut *self.tracer, slot, place }).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        self.slots.size_hint().1
    }
}

impl<'de, 's, I: Iterator<Item = (Place, &'s mut Shape)>> de::MapAccess<'de> for Elements<'_, 's, I> {
    type Error = TraceError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, TraceError> {
        de::SeqAccess::next_element_seed(self, seed)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, TraceError> {
        de::SeqAccess::next_element_seed(self, seed)?
            .ok_or_else(|| TraceError("a map value asked for without its key".to_owned()))
    }
}

/// The variant `variant` of enum `key`, as the enum's `Deserialize` reads it: what its content is goes
/// into `slot`.
struct Variant<'a> {
    tracer: &'a mut Tracer,
    key: TypeKey,
    variant: &'static str,
    slot: &'a mut Option<Content>,
}

impl<'de> de::EnumAccess<'de> for Variant<'_> {
    type Error = TraceError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), TraceError> {
        let tag = seed.deserialize(BorrowedStrDeserializer::<TraceError>::new(self.variant))?;
        Ok((tag, self))
    }
}

impl<'de> de::VariantAccess<'de> for Variant<'_> {
    type Error = TraceError;

    fn unit_variant(self) -> Result<(), TraceError> {
        *self.slot = Some(Content::Unit);
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, TraceError> {
        let mut content = Shape::Unknown;
        let place = Place::inside(self.key, self.variant);
        let value = seed.deserialize(Tracing { tracer: self.tracer, slot: &mut content, place })?;
        *self.slot = Some(Content::NewType(content));
        Ok(value)
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, TraceError> {
        let places = (0..len).map(|index| Place::inside(self.key, &format!("{}/{index}", self.variant))).collect();
        let (value, shapes) = Tracing::elements(self.tracer, places, visitor)?;
        *self.slot = Some(Content::Tuple(shapes));
        Ok(value)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        let places = fields.iter().map(|field| Place::inside(self.key, &format!("{}/{field}", self.variant))).collect();
        let (value, shapes) = Tracing::elements(self.tracer, places, visitor)?;
        if shapes.contains(&Shape::Unknown) {
            return Err(self.tracer.untraceable(format!(
                "variant `{}` of `{}`, whose field names include aliases (`#[serde(alias)]`)",
                self.variant, self.key.serde
            )));
        }
        *self.slot = Some(Content::Fields(named(fields, shapes)));
        Ok(value)
    }
}
