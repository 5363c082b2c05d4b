//! YAML as Folio reads it (`folio.yml`, front matter, `toc.yml`): one parser
//! that keeps the position of every key and value, so a diagnostic names the
//! line and column of what it is about, and that bounds what input can cost.
//!
//! The tree is built from `saphyr-parser`'s event stream with an explicit
//! stack, never recursion the input controls. The text's size is checked
//! before parsing; nesting depth and node count (aliases counted as
//! expanded) as the events arrive, so the parser stops at the first level
//! past the limit. A key written twice in one mapping is not fatal: the
//! later value wins and the repeat is listed in [`Document::duplicates`],
//! found through a hash of the mapping's keys.
//!
//! Plain scalars resolve as YAML 1.2's core schema (`null`, `true`, `12`,
//! `1.5`); [`from_node`] deserializes typed configuration with errors that
//! carry the position of the offending node.

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Span, Tag};
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

/// A 1-based line and column (the column counts characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Pos {
    pub(crate) line: u32,
    pub(crate) column: u32,
}

impl Pos {
    pub(crate) const START: Pos = Pos { line: 1, column: 1 };

    fn of(marker: &Marker) -> Pos {
        Pos {
            line: u32::try_from(marker.line()).unwrap_or(u32::MAX).max(1),
            column: u32::try_from(marker.col())
                .unwrap_or(u32::MAX)
                .saturating_add(1),
        }
    }

    /// This position in a file where the YAML starts on line `first_line`
    /// (front matter starts on line 2).
    pub(crate) fn in_file(self, first_line: u32) -> Pos {
        Pos {
            line: self.line.saturating_add(first_line.saturating_sub(1)),
            column: self.column,
        }
    }
}

/// What one YAML text may cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Size of the text.
    pub bytes: usize,
    /// Collections inside collections.
    pub(crate) depth: usize,
    /// Scalars and collections, aliases counted as expanded.
    pub(crate) nodes: usize,
}

/// A value with the position where it starts.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Node {
    pub(crate) value: Value,
    pub(crate) pos: Pos,
    /// A plain scalar that resolved to null, a boolean or a number, as
    /// written (`5.10` stays `5.10` where a string is wanted).
    pub(crate) plain: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// One `key: value` of a mapping.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Entry {
    pub(crate) key: Node,
    pub(crate) value: Node,
}

/// A key written twice in one mapping; the later value is used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Duplicate {
    pub(crate) key: String,
    pub(crate) earlier: Pos,
    pub(crate) later: Pos,
    /// 1 for the top-level mapping.
    pub(crate) depth: usize,
}

/// A parsed YAML text.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Document {
    /// `Value::Null` at 1:1 for an empty text.
    pub(crate) root: Node,
    pub(crate) duplicates: Vec<Duplicate>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Error {
    /// The text is not YAML.
    #[error("{message}")]
    Syntax { pos: Pos, message: String },
    /// The text is larger or deeper than [`Limits`] allow.
    #[error("{message}")]
    Limit { pos: Pos, message: String },
}

impl Error {
    pub(crate) fn pos(&self) -> Pos {
        match self {
            Error::Syntax { pos, .. } | Error::Limit { pos, .. } => *pos,
        }
    }

    #[cfg(test)]
    fn message(&self) -> &str {
        match self {
            Error::Syntax { message, .. } | Error::Limit { message, .. } => message,
        }
    }

    pub(crate) fn is_limit(&self) -> bool {
        matches!(self, Error::Limit { .. })
    }
}

/// One step of a path into a document, for [`Node::locate`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step<'a> {
    /// The value of a key.
    Key(&'a str),
    /// The key itself (to point at a misspelt name).
    KeyName(&'a str),
    Index(usize),
}

impl Node {
    fn new(value: Value, pos: Pos) -> Node {
        Node {
            value,
            pos,
            plain: None,
        }
    }

    /// The text of a scalar as it reads: a string, or a plain scalar as written.
    pub(crate) fn text(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) => {
                Some(self.plain.as_deref().unwrap_or(""))
            }
            Value::Seq(_) | Value::Map(_) => None,
        }
    }

    pub(crate) fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub(crate) fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub(crate) fn is_null(&self) -> bool {
        self.value == Value::Null
    }

    /// The entry of a mapping with this key.
    pub(crate) fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| e.key.text() == Some(key))
    }

    /// The value of a mapping's key.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub(crate) fn index(&self, i: usize) -> Option<&Node> {
        self.as_seq()?.get(i)
    }

    /// The position of the node a path leads to, or of the deepest node on
    /// the way when the rest is missing (a key left out points at its mapping).
    pub(crate) fn locate(&self, path: &[Step<'_>]) -> Pos {
        let mut node = self;
        for step in path {
            let next = match step {
                Step::Key(k) => node.get(k),
                Step::KeyName(k) => node.entry(k).map(|e| &e.key),
                Step::Index(i) => node.index(*i),
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        node.pos
    }

    /// As JSON, for front matter fields. Depth is bounded by [`Limits::depth`].
    pub(crate) fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(J::Number)
                .unwrap_or(J::Null),
            Value::String(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|e| (e.key.key_string(), e.value.to_json()))
                    .collect(),
            ),
        }
    }

    /// A mapping key as a string: scalars as they read, others as YAML-ish text.
    pub(crate) fn key_string(&self) -> String {
        match self.text() {
            Some(t) => t.to_string(),
            None => format!("{:?}", self.to_json()),
        }
    }
}

/// Parses one YAML document (an empty text is null).
pub(crate) fn parse(text: &str, limits: &Limits) -> Result<Document, Error> {
    if text.len() > limits.bytes {
        return Err(Error::Limit {
            pos: Pos::START,
            message: format!(
                "{} is more than the limit of {}",
                bytes(text.len()),
                bytes(limits.bytes)
            ),
        });
    }
    let mut builder = Builder::new(limits);
    let mut parser = Parser::new_from_str(text);
    let mut documents = 0;
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| scan_error(text, limits, &e))?;
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(Error::Syntax {
                        pos: Pos::of(&span.start),
                        message: "a second YAML document starts here (`---`); only one is read"
                            .into(),
                    });
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                builder.scalar(value, style, anchor, tag.as_deref(), span)?
            }
            Event::Alias(anchor) => builder.alias(anchor, span)?,
            Event::SequenceStart(anchor, _) => builder.open(Kind::Seq(Vec::new()), anchor, span)?,
            Event::MappingStart(anchor, _) => builder.open(
                Kind::Map {
                    entries: Vec::new(),
                    key: None,
                    index: HashMap::new(),
                },
                anchor,
                span,
            )?,
            Event::SequenceEnd | Event::MappingEnd => builder.close()?,
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    Ok(Document {
        root: builder
            .root
            .unwrap_or_else(|| Node::new(Value::Null, Pos::START)),
        duplicates: builder.duplicates,
    })
}

/// `64 KiB`, `3 MiB`, `120 bytes`.
pub fn bytes(n: usize) -> String {
    if n >= 1024 * 1024 && n % (1024 * 1024) == 0 {
        format!("{} MiB", n / (1024 * 1024))
    } else if n >= 1024 && n % 1024 == 0 {
        format!("{} KiB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

fn scan_error(text: &str, limits: &Limits, e: &ScanError) -> Error {
    let mut pos = Pos::of(e.marker());
    let message = e.info().to_string();
    // The scanner looks ahead through deep flow collections (`[[[…`) and
    // stops at its own nesting limit before the builder sees the events.
    if message.contains("recursion limit") {
        return Error::Limit {
            pos,
            message: format!(
                "collections are nested more than {} levels deep",
                limits.depth
            ),
        };
    }
    // The scanner marks the start of the scalar it was reading; point at
    // the tab itself, which is what the author has to remove.
    if message.contains("found a tab") {
        if let Some(tab) = first_tab_from(text, e.marker().index()) {
            pos = tab;
        }
    }
    Error::Syntax { pos, message }
}

/// The position of the first tab at or after a character index.
fn first_tab_from(text: &str, char_index: usize) -> Option<Pos> {
    let mut pos = Pos::START;
    for (i, c) in text.chars().enumerate() {
        if c == '\t' && i >= char_index {
            return Some(pos);
        }
        if c == '\n' {
            pos.line += 1;
            pos.column = 1;
        } else {
            pos.column += 1;
        }
    }
    None
}

enum Kind {
    Seq(Vec<Node>),
    Map {
        entries: Vec<Entry>,
        /// A key waiting for its value.
        key: Option<Node>,
        /// Key text → index in `entries`, to find repeats without a scan.
        index: HashMap<String, usize>,
    },
}

/// A collection being read.
struct Frame {
    kind: Kind,
    pos: Pos,
    anchor: usize,
    /// `Builder::nodes` when it opened, to size anchored collections.
    nodes_before: usize,
}

/// Builds the tree from events with an explicit stack.
struct Builder<'l> {
    limits: &'l Limits,
    stack: Vec<Frame>,
    root: Option<Node>,
    /// Anchor id → the anchored node and how many nodes it holds.
    anchors: HashMap<usize, (Node, usize)>,
    nodes: usize,
    duplicates: Vec<Duplicate>,
}

impl<'l> Builder<'l> {
    fn new(limits: &'l Limits) -> Builder<'l> {
        Builder {
            limits,
            stack: Vec::new(),
            root: None,
            anchors: HashMap::new(),
            nodes: 0,
            duplicates: Vec::new(),
        }
    }

    fn count(&mut self, n: usize, span: Span) -> Result<(), Error> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.limits.nodes {
            return Err(Error::Limit {
                pos: Pos::of(&span.start),
                message: format!(
                    "more than {} values (aliases counted as expanded)",
                    self.limits.nodes
                ),
            });
        }
        Ok(())
    }

    fn scalar(
        &mut self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), Error> {
        self.count(1, span)?;
        let node = resolve(text, style, tag, Pos::of(&span.start));
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), 1));
        }
        self.push(node);
        Ok(())
    }

    fn alias(&mut self, anchor: usize, span: Span) -> Result<(), Error> {
        let Some((node, size)) = self.anchors.get(&anchor) else {
            return Err(Error::Syntax {
                pos: Pos::of(&span.start),
                message: "this alias refers to a collection that contains it".into(),
            });
        };
        let (mut node, size) = (node.clone(), *size);
        self.count(size, span)?;
        node.pos = Pos::of(&span.start);
        self.push(node);
        Ok(())
    }

    fn open(&mut self, kind: Kind, anchor: usize, span: Span) -> Result<(), Error> {
        let pos = Pos::of(&span.start);
        if self.stack.len() >= self.limits.depth {
            return Err(Error::Limit {
                pos,
                message: format!(
                    "collections are nested more than {} levels deep",
                    self.limits.depth
                ),
            });
        }
        self.count(1, span)?;
        self.stack.push(Frame {
            kind,
            pos,
            anchor,
            nodes_before: self.nodes - 1,
        });
        Ok(())
    }

    fn close(&mut self) -> Result<(), Error> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let value = match frame.kind {
            Kind::Seq(items) => Value::Seq(items),
            Kind::Map { entries, key, .. } => {
                let mut entries = entries;
                if let Some(key) = key {
                    // A key without a value (the parser sends one, but be safe).
                    let pos = key.pos;
                    entries.push(Entry {
                        key,
                        value: Node::new(Value::Null, pos),
                    });
                }
                Value::Map(entries)
            }
        };
        let node = Node::new(value, frame.pos);
        if frame.anchor > 0 {
            let size = self.nodes - frame.nodes_before;
            self.anchors.insert(frame.anchor, (node.clone(), size));
        }
        self.push(node);
        Ok(())
    }

    fn push(&mut self, node: Node) {
        let depth = self.stack.len();
        match self.stack.last_mut() {
            None => {
                self.root.get_or_insert(node);
            }
            Some(Frame {
                kind: Kind::Seq(items),
                ..
            }) => items.push(node),
            Some(Frame {
                kind:
                    Kind::Map {
                        entries,
                        key,
                        index,
                    },
                ..
            }) => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    let text = k.text().map(str::to_string);
                    match text.as_ref().and_then(|t| index.get(t)) {
                        Some(&i) => {
                            self.duplicates.push(Duplicate {
                                key: text.unwrap_or_default(),
                                earlier: entries[i].key.pos,
                                later: k.pos,
                                depth,
                            });
                            entries[i] = Entry {
                                key: k,
                                value: node,
                            };
                        }
                        None => {
                            if let Some(t) = text {
                                index.insert(t, entries.len());
                            }
                            entries.push(Entry {
                                key: k,
                                value: node,
                            });
                        }
                    }
                }
            },
        }
    }
}

/// A scalar's value under YAML 1.2's core schema: quoted scalars and
/// `!!str` are strings; plain ones may be null, booleans or numbers.
fn resolve(text: Cow<'_, str>, style: ScalarStyle, tag: Option<&Tag>, pos: Pos) -> Node {
    let is_str_tag = tag.is_some_and(|t| t.is_yaml_core_schema() && t.suffix == "str");
    if style != ScalarStyle::Plain || is_str_tag {
        return Node::new(Value::String(text.into_owned()), pos);
    }
    let value = match text.as_ref() {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        t => match number(t) {
            Some(v) => v,
            None => return Node::new(Value::String(text.into_owned()), pos),
        },
    };
    Node {
        value,
        pos,
        plain: Some(text.into_owned()),
    }
}

fn number(t: &str) -> Option<Value> {
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    if let Some(hex) = t.strip_prefix("0x") {
        return digits(hex, 16)
            .then(|| i64::from_str_radix(hex, 16).ok().map(Value::Int))
            .flatten();
    }
    if let Some(oct) = t.strip_prefix("0o") {
        return digits(oct, 8)
            .then(|| i64::from_str_radix(oct, 8).ok().map(Value::Int))
            .flatten();
    }
    let unsigned = t.strip_prefix(['-', '+']).unwrap_or(t);
    if digits(unsigned, 10) {
        return Some(match t.parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Float(t.parse().ok()?),
        });
    }
    match unsigned {
        ".inf" | ".Inf" | ".INF" => {
            return Some(Value::Float(if t.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            }));
        }
        ".nan" | ".NaN" | ".NAN" if unsigned.len() == t.len() => {
            return Some(Value::Float(f64::NAN));
        }
        _ => {}
    }
    // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (int.is_empty() && digits(frac, 10))
                || (digits(int, 10) && (frac.is_empty() || digits(frac, 10)))
        }
        None => digits(mantissa, 10),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    (mantissa_ok && exponent_ok)
        .then(|| t.parse::<f64>().ok().map(Value::Float))
        .flatten()
}

/// A deserialization error, with the position of the node it is about and
/// the path of keys to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DeError {
    pub(crate) pos: Option<Pos>,
    pub(crate) message: String,
    /// `["checks", "external", "timeout"]`, `["languages", "[2]", "code"]`.
    pub(crate) path: Vec<String>,
}

impl DeError {
    fn at(mut self, pos: Pos) -> DeError {
        self.pos.get_or_insert(pos);
        self
    }

    fn within(mut self, step: String) -> DeError {
        self.path.insert(0, step);
        self
    }
}

/// `checks.external.timeout: invalid type: …`.
impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.path.iter().enumerate() {
            if i > 0 && !step.starts_with('[') {
                f.write_str(".")?;
            }
            f.write_str(step)?;
        }
        if !self.path.is_empty() {
            f.write_str(": ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> DeError {
        DeError {
            pos: None,
            message: msg.to_string(),
            path: Vec::new(),
        }
    }
}

/// Deserializes a typed value from a node. Strings accept plain scalars as
/// written (`code: no` is the string `no`), as YAML users expect.
pub(crate) fn from_node<T: de::DeserializeOwned>(node: &Node) -> Result<T, DeError> {
    T::deserialize(NodeDeserializer(node))
}

struct NodeDeserializer<'a>(&'a Node);

impl<'de> de::Deserializer<'de> for NodeDeserializer<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let node = self.0;
        let result = match &node.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => visitor.visit_i64(*i),
            Value::Float(f) => visitor.visit_f64(*f),
            Value::String(s) => visitor.visit_str(s),
            Value::Seq(items) => visitor.visit_seq(Items(items.iter().enumerate())),
            Value::Map(entries) => visitor.visit_map(Entries {
                entries: entries.iter(),
                current: None,
            }),
        };
        result.map_err(|e| e.at(node.pos))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let node = self.0;
        let result = if node.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        };
        result.map_err(|e| e.at(node.pos))
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let node = self.0;
        match (&node.value, &node.plain) {
            (Value::Bool(_) | Value::Int(_) | Value::Float(_), Some(text)) => {
                visitor.visit_str(text).map_err(|e: DeError| e.at(node.pos))
            }
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let node = self.0;
        match node.text() {
            Some(text) => visitor
                .visit_enum(IntoDeserializer::<DeError>::into_deserializer(text))
                .map_err(|e| e.at(node.pos)),
            None => Err(DeError {
                pos: Some(node.pos),
                message: "expected one of the listed words, found a list or mapping".into(),
                path: Vec::new(),
            }),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct
    }
}

struct Items<'a>(std::iter::Enumerate<std::slice::Iter<'a, Node>>);

impl<'de> SeqAccess<'de> for Items<'_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.0.next() {
            Some((i, node)) => seed
                .deserialize(NodeDeserializer(node))
                .map(Some)
                .map_err(|e| e.within(format!("[{i}]"))),
            None => Ok(None),
        }
    }
}

struct Entries<'a> {
    entries: std::slice::Iter<'a, Entry>,
    /// The entry whose key was read last.
    current: Option<&'a Entry>,
}

impl<'de> MapAccess<'de> for Entries<'_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.entries.next() {
            Some(entry) => {
                self.current = Some(entry);
                seed.deserialize(NodeDeserializer(&entry.key)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.current.take() {
            Some(entry) => seed
                .deserialize(NodeDeserializer(&entry.value))
                .map_err(|e| e.within(entry.key.key_string())),
            None => Err(de::Error::custom("a mapping value without its key")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    const LIMITS: Limits = Limits {
        bytes: 1 << 20,
        depth: 16,
        nodes: 1000,
    };

    fn doc(text: &str) -> Document {
        parse(text, &LIMITS).unwrap_or_else(|e| panic!("{text:?}: {e:?}"))
    }

    #[test]
    fn scalars_resolve_as_the_core_schema() {
        let d = doc(
            "a: ~\nb: true\nc: 12\nd: -1.5\ne: 5/02/2019\nf: '12'\ng: 0x1F\nh: 2019-05-02\ni: .inf\nj: 1e3\nk: no\n",
        );
        let v = |k: &str| d.root.get(k).unwrap().value.clone();
        assert_eq!(v("a"), Value::Null);
        assert_eq!(v("b"), Value::Bool(true));
        assert_eq!(v("c"), Value::Int(12));
        assert_eq!(v("d"), Value::Float(-1.5));
        assert_eq!(v("e"), Value::String("5/02/2019".into()));
        assert_eq!(v("f"), Value::String("12".into()));
        assert_eq!(v("g"), Value::Int(31));
        assert_eq!(v("h"), Value::String("2019-05-02".into()));
        assert_eq!(v("i"), Value::Float(f64::INFINITY));
        assert_eq!(v("j"), Value::Float(1000.0));
        assert_eq!(v("k"), Value::String("no".into()));
        assert_eq!(d.root.get("c").unwrap().text(), Some("12"));
    }

    #[test]
    fn every_key_and_value_has_its_position() {
        let d = doc("# comment\ntitle: x\nlist:\n  - { name: a, href: é.md }\n  - [1, 2]\n");
        assert_eq!(
            d.root.locate(&[Step::KeyName("title")]),
            Pos { line: 2, column: 1 }
        );
        assert_eq!(
            d.root.locate(&[Step::Key("title")]),
            Pos { line: 2, column: 8 }
        );
        let href = [Step::Key("list"), Step::Index(0), Step::Key("href")];
        assert_eq!(
            d.root.locate(&href),
            Pos {
                line: 4,
                column: 22
            }
        );
        let second = [Step::Key("list"), Step::Index(1), Step::Index(1)];
        assert_eq!(d.root.locate(&second), Pos { line: 5, column: 9 });
        // A missing step points at the deepest node found.
        let missing = [Step::Key("list"), Step::Index(0), Step::Key("nope")];
        assert_eq!(d.root.locate(&missing), Pos { line: 4, column: 5 });
    }

    #[test]
    fn repeated_keys_keep_the_later_value_and_are_listed() {
        let d = doc("a: 1\nb:\n  x: 1\n  x: 2\na: 3\n");
        assert_eq!(d.root.get("a").unwrap().value, Value::Int(3));
        assert_eq!(
            d.root.get("b").unwrap().get("x").unwrap().value,
            Value::Int(2)
        );
        let found: Vec<(&str, u32, u32, usize)> = d
            .duplicates
            .iter()
            .map(|d| (d.key.as_str(), d.earlier.line, d.later.line, d.depth))
            .collect();
        assert_eq!(found, [("x", 3, 4, 2), ("a", 1, 5, 1)]);
    }

    #[test]
    fn many_keys_parse_in_linear_time() {
        let text: String = (0..5000).map(|i| format!("k{i}: v\nk{i}: w\n")).collect();
        let limits = Limits {
            nodes: 100_000,
            ..LIMITS
        };
        let d = parse(&text, &limits).unwrap();
        assert_eq!(d.duplicates.len(), 5000);
        assert_eq!(d.root.as_map().unwrap().len(), 5000);
    }

    #[test]
    fn limits_are_errors_with_a_position() {
        let deep = format!("x: {}{}", "[".repeat(100_000), "]".repeat(100_000));
        let e = parse(&deep, &LIMITS).unwrap_err();
        assert!(e.is_limit(), "{e:?}");
        assert!(e.message().contains("16 levels"), "{e:?}");
        let nested = format!(
            "x:\n{}",
            (0..40)
                .map(|i| format!("{}- \n", "  ".repeat(i)))
                .collect::<String>()
        );
        let e = parse(&nested, &LIMITS).unwrap_err();
        assert!(e.is_limit(), "{e:?}");
        assert!(e.message().contains("16 levels"), "{e:?}");
        let big = "a: b\n".repeat(300_000);
        let e = parse(&big, &LIMITS).unwrap_err();
        assert_eq!(e.pos(), Pos::START);
        assert!(e.message().contains("1 MiB"), "{e:?}");
        let many: String = (0..2000).map(|i| format!("k{i}: v\n")).collect();
        assert!(parse(&many, &LIMITS).unwrap_err().is_limit());
    }

    #[test]
    fn aliases_count_as_expanded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let e = parse(&text, &LIMITS).unwrap_err();
        assert!(e.is_limit(), "{e:?}");
        assert_eq!(
            doc("a: &x [1]\nb: *x\n").root.get("b").unwrap().value,
            Value::Seq(vec![Node {
                value: Value::Int(1),
                pos: Pos { line: 1, column: 8 },
                plain: Some("1".into()),
            }])
        );
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = parse("title: a\n\tbad: b\n", &LIMITS).unwrap_err();
        assert_eq!(e.pos(), Pos { line: 2, column: 1 }, "{e:?}");
        let e = parse("a: b\nc: Guide: one\n", &LIMITS).unwrap_err();
        assert_eq!(e.pos().line, 2, "{e:?}");
        let e = parse("a: b\n---\nc: d\n", &LIMITS).unwrap_err();
        assert_eq!(e.pos().line, 2, "{e:?}");
        for bad in ["{---", "[", "'", "&a [*a]", "*a", "\"\\u"] {
            assert!(
                matches!(parse(bad, &LIMITS), Err(Error::Syntax { .. })),
                "{bad:?}"
            );
        }
        assert!(doc("").root.is_null());
    }

    /// Mutated real-looking YAML never panics, and every error has a position.
    #[test]
    fn mutated_input_is_an_error_never_a_panic() {
        let samples = [
            "title: Kick-off\nms.date: 5/02/2019\ntags: [a, b]\nx: {k: v, l: [1, 2.5, ~]}\n",
            "- name: Home\n  href: index.md\n- name: Phase\n  items:\n    - {name: A, href: a.md}\n    - name: B\n      href: &b b.md\n    - name: C\n      href: *b\n",
            "languages:\n  - { code: en, dir: english }\n  - code: es\n    suffixes: [es]\nchecks:\n  severity: { link-broken: warning }\n  external: { timeout: 2.5 }\n",
            "a: |\n  literal\n  text\nb: >\n  folded\nc: 'it''s'\nd: \"\\u00e9\\n\"\n? [complex]\n: key\n",
        ];
        let alphabet: &[u8] = b"-:[]{},&*!|>'\"#?%@` \t\n\\ab0.~";
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..4000 {
            let mut bytes = samples[round % samples.len()].as_bytes().to_vec();
            for _ in 0..(1 + next() % 6) {
                let at = (next() as usize) % (bytes.len() + 1);
                let c = alphabet[(next() as usize) % alphabet.len()];
                match next() % 3 {
                    0 if at < bytes.len() => bytes[at] = c,
                    1 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    _ => bytes.insert(at, c),
                }
            }
            let text = String::from_utf8_lossy(&bytes);
            match parse(&text, &LIMITS) {
                Ok(doc) => {
                    let _ = doc.root.to_json();
                    let _ = from_node::<Shape>(&doc.root);
                }
                Err(e) => assert!(e.pos().line >= 1 && e.pos().column >= 1, "{text:?}: {e:?}"),
            }
        }
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Shape {
        name: String,
        count: Option<usize>,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[test]
    fn typed_values_and_errors_at_the_offending_node() {
        let d = doc("name: 5.10\ncount: 3\ntags: [a, yes]\n");
        let s: Shape = from_node(&d.root).unwrap();
        assert_eq!(
            s,
            Shape {
                name: "5.10".into(),
                count: Some(3),
                tags: vec!["a".into(), "yes".into()]
            }
        );
        let pos = |text: &str| from_node::<Shape>(&doc(text).root).unwrap_err();
        let e = pos("name: x\n# count: 3\ncount: -1\n");
        assert_eq!(e.pos, Some(Pos { line: 3, column: 8 }), "{e:?}");
        let e = pos("name: x\nnmae: y\n");
        assert_eq!(e.pos, Some(Pos { line: 2, column: 1 }), "{e:?}");
        assert!(e.message.contains("nmae"));
        let e = pos("name: x\ntags: [a, [b]]\n");
        assert_eq!(
            e.to_string(),
            "tags[1]: invalid type: sequence, expected a string"
        );
        assert_eq!(
            e.pos,
            Some(Pos {
                line: 2,
                column: 11
            }),
            "{e:?}"
        );
        let e = pos("name: x\ntags: {a: b}\n");
        assert_eq!(e.pos, Some(Pos { line: 2, column: 7 }), "{e:?}");
        let e = pos("count: 1\n");
        assert_eq!(e.pos, Some(Pos::START), "{e:?}");
        assert!(e.message.contains("name"));
    }
}
