//! Reading mod_ivr XML into an owned model: the `<menu>` elements with their attributes and
//! `<entry>` children, each with its place (the element's byte range, an attribute's value
//! range), and the `<X-PRE-PROCESS cmd="include">` elements among them, in document order.
//!
//! The model owns its strings, so several files (an `ivr.conf.xml` and the files it
//! includes) can be read one after the other and the roxmltree documents dropped at once.
//! Nothing here recurses over the document: only the known levels are walked
//! (`configuration > menus > menu > entry`), so a deeply nested file costs a loop, not a stack.

use crate::source::{FileId, Span};

/// One attribute as written.
#[derive(Clone, Debug)]
pub(super) struct Attr {
    /// The name (FreeSWITCH compares attribute names case-sensitively, `switch_xml_attr`).
    pub name: String,
    /// The value, entities decoded.
    pub value: String,
    /// The whole attribute, `name="value"`.
    pub at: Span,
    /// The value between its quotes.
    pub value_at: Span,
}

/// An element: its name, place and attributes.
#[derive(Clone, Debug)]
pub(super) struct Elem {
    /// The tag name (local part).
    pub name: String,
    /// The whole element, children included.
    pub at: Span,
    /// The attributes, in order.
    pub attrs: Vec<Attr>,
}

impl Elem {
    /// The first attribute called `name`, as FreeSWITCH's `switch_xml_attr` finds it.
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }

    /// The value of attribute `name`, `""` when it is missing (`switch_xml_attr_soft`).
    pub fn soft(&self, name: &str) -> &str {
        self.attr(name).map_or("", |a| a.value.as_str())
    }

    /// The attribute `name` when its value is not empty (FreeSWITCH's `zstr` test: an empty
    /// attribute is the same as none).
    pub fn given(&self, name: &str) -> Option<&Attr> {
        self.attr(name).filter(|a| !a.value.is_empty())
    }
}

/// One `<menu>` element.
#[derive(Clone, Debug)]
pub(super) struct MenuDef {
    /// The `<menu>` element.
    pub elem: Elem,
    /// Its `<entry>` children, in order.
    pub entries: Vec<Elem>,
}

/// An `<X-PRE-PROCESS cmd="include" data="…"/>` among the menus.
#[derive(Clone, Debug)]
pub(super) struct Include {
    /// The element.
    pub at: Span,
    /// `data`: the file (or `*` pattern) to include.
    pub data: String,
    /// Where `data` is written.
    pub data_at: Span,
}

/// What a file holds, in document order.
#[derive(Clone, Debug)]
pub(super) enum Item {
    /// A menu.
    Menu(Box<MenuDef>),
    /// A file (or files) included at this place.
    Include(Include),
}

/// A construct of the file that is not read, with what a caller would notice (a W027 to
/// give once the import has its findings at hand).
#[derive(Clone, Debug)]
pub(super) struct Note {
    /// Where it is.
    pub at: Span,
    /// What it is and what the import does instead.
    pub what: String,
    /// What a caller would notice.
    pub caller: String,
}

/// A file read: its menus and includes, a title (`<configuration description>`), and the
/// constructs not read.
#[derive(Clone, Debug, Default)]
pub(super) struct Read {
    /// Menus and includes in document order.
    pub items: Vec<Item>,
    /// `description` of `<configuration>`, if any.
    pub title: Option<String>,
    /// Constructs not read.
    pub notes: Vec<Note>,
}

fn span(file: FileId, r: std::ops::Range<usize>) -> Span {
    Span {
        file,
        start: r.start.min(u32::MAX as usize) as u32,
        end: r.end.min(u32::MAX as usize) as u32,
        pointer: None,
    }
}

fn elem(file: FileId, node: roxmltree::Node<'_, '_>) -> Elem {
    Elem {
        name: node.tag_name().name().to_owned(),
        at: span(file, node.range()),
        attrs: node
            .attributes()
            .map(|a| Attr {
                name: a.name().to_owned(),
                value: a.value().to_owned(),
                at: span(file, a.range()),
                value_at: span(file, a.range_value()),
            })
            .collect(),
    }
}

/// Whether an element holds menus: `<menus>` (of `<configuration name="ivr.conf">`) or the
/// `<include>` root of a file pulled in by `X-PRE-PROCESS` (as `conf/ivr_menus/*.xml` are).
fn is_container(name: &str) -> bool {
    name == "menus" || name == "include"
}

/// Reads `text` (the content of `file`) as mod_ivr XML.
///
/// The menus are the `<menu>` children of every `<menus>` or `<include>` element (so
/// `ivr.conf.xml`, an included menu file and a `mod_xml_curl` answer, whose
/// `<configuration>` sits inside `<document><section>`, all read), or the root itself when it
/// is a `<menu>`.
///
/// # Errors
/// The place and message of an XML error (syntax, a DTD, the node limit), from
/// [`crate::import::parse_xml`].
pub(super) fn read(file: FileId, text: &str) -> Result<Read, (Span, String)> {
    let doc = crate::import::parse_xml(file, text)?;
    let mut out = Read::default();
    let root = doc.root_element();
    if root.tag_name().name() == "menu" {
        out.items.push(Item::Menu(Box::new(menu(file, root, &mut out.notes))));
        return Ok(out);
    }
    for node in doc.descendants().filter(roxmltree::Node::is_element) {
        let name = node.tag_name().name();
        if name == "configuration" {
            let conf = elem(file, node);
            if out.title.is_none() {
                out.title = conf.given("description").map(|a| a.value.clone());
            }
            let cf = conf.soft("name");
            if cf != "ivr.conf" {
                let at = conf.attr("name").map_or(conf.at, |a| a.value_at);
                out.notes.push(Note {
                    at,
                    what: format!(
                        "`<configuration name=\"{cf}\">`: FreeSWITCH's `ivr` application reads its menus from `ivr.conf`; the menus here are imported all the same"
                    ),
                    caller: "nothing, if this file is served as `ivr.conf`".into(),
                });
            }
            for child in node.children().filter(roxmltree::Node::is_element) {
                if child.tag_name().name() != "menus" {
                    let c = elem(file, child);
                    out.notes.push(Note {
                        at: c.at,
                        what: format!("`<{}>` is not read: only `<menus>` of `ivr.conf` holds menus", c.name),
                        caller: "nothing: FreeSWITCH's `ivr` application reads only `<menus>`".into(),
                    });
                }
            }
            continue;
        }
        if !is_container(name) {
            continue;
        }
        for child in node.children().filter(roxmltree::Node::is_element) {
            match child.tag_name().name() {
                "menu" => out.items.push(Item::Menu(Box::new(menu(file, child, &mut out.notes)))),
                "X-PRE-PROCESS" => {
                    let e = elem(file, child);
                    match (e.soft("cmd"), e.attr("data")) {
                        ("include", Some(data)) => out.items.push(Item::Include(Include {
                            at: e.at,
                            data: data.value.clone(),
                            data_at: data.value_at,
                        })),
                        (cmd, _) => out.notes.push(Note {
                            at: e.at,
                            what: format!(
                                "`<X-PRE-PROCESS cmd=\"{cmd}\">` is not run: only `include` is followed (other pre-processor commands set `$${{…}}` variables or run programs when FreeSWITCH loads its configuration)"
                            ),
                            caller: "menus or sounds that use what it sets may differ".into(),
                        }),
                    }
                }
                // Menus nested in a container's own container are read when the loop reaches
                // them; anything else FreeSWITCH ignores.
                n if is_container(n) => {}
                _ => {
                    let e = elem(file, child);
                    out.notes.push(Note {
                        at: e.at,
                        what: format!("`<{}>` is not read here: only `<menu>` elements are menus", e.name),
                        caller: "nothing: FreeSWITCH looks only for `<menu>` here".into(),
                    });
                }
            }
        }
    }
    Ok(out)
}

fn menu(file: FileId, node: roxmltree::Node<'_, '_>, notes: &mut Vec<Note>) -> MenuDef {
    let mut def = MenuDef {
        elem: elem(file, node),
        entries: Vec::new(),
    };
    for child in node.children().filter(roxmltree::Node::is_element) {
        let e = elem(file, child);
        if e.name == "entry" {
            def.entries.push(e);
        } else {
            notes.push(Note {
                at: e.at,
                what: format!(
                    "`<{}>` in a `<menu>` is not read: a menu's choices are its `<entry>` elements",
                    e.name
                ),
                caller: "nothing: FreeSWITCH reads only `<entry>` here".into(),
            });
        }
    }
    def
}
