//! Syntax only: turns the macro input into a [`Def`] and records every syntax error.
//!
//! The grammar:
//!
//! ```text
//! network  := attr* vis "struct" IDENT "{" entry ("," entry)* ","? "}"
//! entry    := "input" ":" SIZE
//!           | doc* IDENT ":" "Dense" "<" (SIZE "->")? SIZE "," ACTIVATION ","? ">"
//! ACTIVATION := IDENT ( "(" NUMBER ")" )?
//! ```
//!
//! Parsing goes on after an error wherever the structure allows, so that one run reports every
//! mistake. A part that could not be parsed is `None` in the model; the error for it is already
//! recorded, and later passes skip it.

use crate::errors::Errors;
use crate::kw;
use proc_macro2::{Delimiter, Spacing, Span, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::{Attribute, Ident, Token, Visibility};

/// A parsed (not yet checked) definition.
pub struct Def {
    pub attrs: Vec<Attribute>,
    pub krate: Option<syn::Path>,
    pub vis: Visibility,
    pub ident: Ident,
    pub brace_span: Span,
    pub entries: Vec<Entry>,
    /// Entries that could not be parsed (their errors are recorded): the checks that would only
    /// repeat them ("no layers", "no input") are skipped.
    pub bad_entries: usize,
}

pub enum Entry {
    Input(InputDecl),
    Layer(LayerDecl),
}

pub struct InputDecl {
    pub name: Ident,
    pub size: Option<Size>,
}

/// A size literal: its value and the tokens it came from.
#[derive(Clone)]
pub struct Size {
    pub value: usize,
    pub tokens: TokenStream,
}

pub struct LayerDecl {
    pub docs: Vec<Attribute>,
    pub name: Ident,
    /// The size before `->`, when the layer states the input size it expects.
    pub stated_in: Option<Option<Size>>,
    pub out: Option<Size>,
    pub act: Option<ActDecl>,
}

#[derive(Clone, Copy, PartialEq, Debug)]
pub enum ActKind {
    Identity,
    Relu,
    LeakyRelu(f64),
    Sigmoid,
    Tanh,
    Softmax,
}

impl ActKind {
    pub fn name(self) -> &'static str {
        match self {
            ActKind::Identity => kw::IDENTITY,
            ActKind::Relu => kw::RELU,
            ActKind::LeakyRelu(_) => kw::LEAKY_RELU,
            ActKind::Sigmoid => kw::SIGMOID,
            ActKind::Tanh => kw::TANH,
            ActKind::Softmax => kw::SOFTMAX,
        }
    }
}

pub struct ActDecl {
    pub kind: ActKind,
    pub ident: Ident,
}

/// Parses the whole input. Returns `None` when the struct header itself is unreadable.
pub fn parse(input: TokenStream, errors: &mut Errors) -> Option<Def> {
    let header = match (|stream: ParseStream| parse_header(stream)).parse2(input) {
        Ok(header) => header,
        Err(err) => {
            errors.push(err);
            return None;
        }
    };
    let (attrs, krate) = split_nn_attrs(header.attrs, errors);
    let mut entries = Vec::new();
    let mut bad_entries = 0;
    for tokens in split_entries(flatten_invisible(header.body)) {
        match parse_entry(tokens, errors) {
            Some(entry) => entries.push(entry),
            None => bad_entries += 1,
        }
    }
    Some(Def {
        attrs,
        krate,
        vis: header.vis,
        ident: header.ident,
        brace_span: header.brace_span,
        entries,
        bad_entries,
    })
}

struct Header {
    attrs: Vec<Attribute>,
    vis: Visibility,
    ident: Ident,
    brace_span: Span,
    body: TokenStream,
}

fn parse_header(input: ParseStream) -> syn::Result<Header> {
    let attrs = input.call(Attribute::parse_outer)?;
    let vis: Visibility = input.parse()?;
    if !input.peek(Token![struct]) {
        return Err(input.error(
            "expected `struct`: a network is declared as `pub struct Name { input: N, ... }`",
        ));
    }
    input.parse::<Token![struct]>()?;
    let ident: Ident = input.parse()?;
    if input.peek(Token![<]) {
        let generics: syn::Generics = input.parse()?;
        return Err(syn::Error::new_spanned(
            generics,
            format!(
                "`network!` adds the scalar type parameter itself: write `struct {ident}` and use \
                 `{ident}` for f32 or `{ident}<f64>` for f64"
            ),
        ));
    }
    let content;
    let brace = syn::braced!(content in input);
    let body: TokenStream = content.parse()?;
    if !input.is_empty() {
        return Err(input.error("unexpected tokens after the network's closing brace"));
    }
    Ok(Header {
        attrs,
        vis,
        ident,
        brace_span: brace.span.join(),
        body,
    })
}

/// Separates `#[nn(crate = path)]` from the attributes that pass through to the struct.
fn split_nn_attrs(
    attrs: Vec<Attribute>,
    errors: &mut Errors,
) -> (Vec<Attribute>, Option<syn::Path>) {
    let mut keep = Vec::new();
    let mut krate = None;
    for attr in attrs {
        if !attr.path().is_ident(kw::NN_ATTR) {
            keep.push(attr);
            continue;
        }
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(kw::CRATE) {
                let path: syn::Path = meta.value()?.parse()?;
                krate = Some(path);
                Ok(())
            } else {
                Err(meta.error("unknown `nn` option; the only one is `crate = path`"))
            }
        });
        if let Err(err) = result {
            errors.push(err);
        }
    }
    (keep, krate)
}

/// Replaces invisible (`Delimiter::None`) groups by their contents. `macro_rules!` wraps
/// fragments such as `$size:literal` in them when a user generates a `network!` from a macro.
fn flatten_invisible(tokens: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    for tt in tokens {
        match tt {
            TokenTree::Group(g) if g.delimiter() == Delimiter::None => {
                out.extend(flatten_invisible(g.stream()));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

/// Splits the body at commas that are not inside `< >` (nor inside a group).
fn split_entries(body: TokenStream) -> Vec<TokenStream> {
    let mut entries = Vec::new();
    let mut current = Vec::new();
    let mut depth = 0usize;
    let mut prev_joint_minus = false;
    for tt in body {
        let mut is_joint_minus = false;
        if let TokenTree::Punct(p) = &tt {
            match p.as_char() {
                ',' if depth == 0 => {
                    entries.push(current.drain(..).collect());
                    prev_joint_minus = false;
                    continue;
                }
                '<' => depth += 1,
                // `->` (a joint `-` then `>`) is an arrow, not a closing bracket.
                '>' if !prev_joint_minus => depth = depth.saturating_sub(1),
                '-' => is_joint_minus = p.spacing() == Spacing::Joint,
                _ => {}
            }
        }
        prev_joint_minus = is_joint_minus;
        current.push(tt);
    }
    if !current.is_empty() {
        entries.push(current.into_iter().collect());
    }
    entries.retain(|e: &TokenStream| !e.is_empty());
    entries
}

fn parse_entry(tokens: TokenStream, errors: &mut Errors) -> Option<Entry> {
    let head = (|input: ParseStream| {
        let attrs = input.call(Attribute::parse_outer)?;
        let name = input.call(<Ident as syn::ext::IdentExt>::parse_any)?;
        input.parse::<Token![:]>()?;
        let rest: TokenStream = input.parse()?;
        Ok((attrs, name, rest))
    })
    .parse2(tokens);
    let (attrs, name, rest) = match head {
        Ok(head) => head,
        Err(err) => {
            errors.push(err);
            return None;
        }
    };
    if name == kw::INPUT {
        for attr in &attrs {
            errors.spanned(attr, "attributes are not allowed on `input`");
        }
        let size = parse_size(rest.clone(), &rest, "the input size", errors);
        return Some(Entry::Input(InputDecl { name, size }));
    }
    let mut docs = Vec::new();
    for attr in attrs {
        if attr.path().is_ident("doc") {
            docs.push(attr);
        } else {
            errors.spanned(&attr, "only doc comments are allowed on a layer");
        }
    }
    parse_layer(docs, name, rest, errors).map(Entry::Layer)
}

fn parse_layer(
    docs: Vec<Attribute>,
    name: Ident,
    rest: TokenStream,
    errors: &mut Errors,
) -> Option<LayerDecl> {
    let tokens: Vec<TokenTree> = rest.clone().into_iter().collect();
    let Some(first) = tokens.first() else {
        errors.spanned(
            &name,
            format!("layer `{name}` has no type: {}", kw::LAYER_SYNTAX),
        );
        return None;
    };
    match first {
        TokenTree::Ident(kind) if kind == kw::DENSE => {}
        TokenTree::Ident(kind) => {
            errors.spanned(
                kind,
                format!(
                    "unknown layer type `{kind}`: the layer type is `Dense`; {}",
                    kw::LAYER_SYNTAX
                ),
            );
            return None;
        }
        other => {
            errors.spanned(other, kw::LAYER_SYNTAX);
            return None;
        }
    }
    let opens = matches!(tokens.get(1), Some(TokenTree::Punct(p)) if p.as_char() == '<');
    let closes = tokens.len() >= 3
        && matches!(tokens.last(), Some(TokenTree::Punct(p)) if p.as_char() == '>');
    if !opens || !closes {
        errors.spanned(
            &rest,
            format!("malformed layer `{name}`: {}", kw::LAYER_SYNTAX),
        );
        return None;
    }
    let inner = &tokens[2..tokens.len() - 1];
    let mut parts: Vec<&[TokenTree]> = split_top_commas(inner);
    if parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop(); // a trailing comma
    }
    let all: TokenStream = inner.iter().cloned().collect();
    if parts.len() != 2 {
        let message = if parts.len() < 2 {
            format!(
                "layer `{name}` needs a size and an activation, e.g. `Dense<16, Relu>` (use `Identity` for none)"
            )
        } else {
            format!(
                "too many arguments for layer `{name}`: {}",
                kw::LAYER_SYNTAX
            )
        };
        errors.spanned(if all.is_empty() { rest.clone() } else { all }, message);
        return None;
    }
    let (stated_in, out) = parse_sizes(parts[0], errors);
    let act = parse_activation(parts[1], &name, errors);
    Some(LayerDecl {
        docs,
        name,
        stated_in,
        out,
        act,
    })
}

/// Splits at top-level commas (groups are single tokens, so only `,` at this level count).
fn split_top_commas(tokens: &[TokenTree]) -> Vec<&[TokenTree]> {
    tokens
        .split(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','))
        .collect()
}

/// `SIZE` or `SIZE -> SIZE`.
fn parse_sizes(tokens: &[TokenTree], errors: &mut Errors) -> (Option<Option<Size>>, Option<Size>) {
    let arrow = tokens.windows(2).position(|w| {
        matches!((&w[0], &w[1]), (TokenTree::Punct(a), TokenTree::Punct(b))
            if a.as_char() == '-' && a.spacing() == Spacing::Joint && b.as_char() == '>')
    });
    match arrow {
        Some(i) => {
            let arrow_tokens: TokenStream = tokens[i..i + 2].iter().cloned().collect();
            let left: TokenStream = tokens[..i].iter().cloned().collect();
            let right: TokenStream = tokens[i + 2..].iter().cloned().collect();
            let stated = parse_size(left, &arrow_tokens, "the stated input size", errors);
            let out = parse_size(right, &arrow_tokens, "the layer size", errors);
            (Some(stated), out)
        }
        None => {
            let all: TokenStream = tokens.iter().cloned().collect();
            (
                None,
                parse_size(all.clone(), &all, "the layer size", errors),
            )
        }
    }
}

/// A positive integer literal. `near` spans the error when `tokens` is empty.
fn parse_size(
    tokens: TokenStream,
    near: &TokenStream,
    what: &str,
    errors: &mut Errors,
) -> Option<Size> {
    let list: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let message = match list.as_slice() {
        [] => {
            if near.is_empty() {
                errors.at(Span::call_site(), format!("missing {what}"));
            } else {
                errors.spanned(near, format!("missing {what}: expected a positive integer"));
            }
            return None;
        }
        [TokenTree::Literal(lit)] => {
            match syn::parse2::<syn::Lit>(TokenStream::from(TokenTree::Literal(lit.clone()))) {
                Ok(syn::Lit::Int(int)) if !int.suffix().is_empty() => {
                    format!("{what} must be a plain integer without a type suffix, found `{int}`")
                }
                Ok(syn::Lit::Int(int)) => match int.base10_parse::<usize>() {
                    Ok(value) => return Some(Size { value, tokens }),
                    Err(_) => format!("{what} `{int}` is too large"),
                },
                Ok(syn::Lit::Float(f)) => format!("{what} must be a positive integer, found `{f}`"),
                _ => format!("{what} must be a positive integer literal, found `{lit}`"),
            }
        }
        [TokenTree::Punct(p), TokenTree::Literal(lit)] if p.as_char() == '-' => {
            format!("{what} must be a positive integer, found `-{lit}`")
        }
        [TokenTree::Ident(id)] => format!(
            "{what} must be an integer literal: `network!` cannot read the value of `{id}`, write the number"
        ),
        _ => format!("{what} must be a positive integer literal"),
    };
    errors.spanned(&tokens, message);
    None
}

fn parse_activation(tokens: &[TokenTree], layer: &Ident, errors: &mut Errors) -> Option<ActDecl> {
    let all: TokenStream = tokens.iter().cloned().collect();
    let (ident, args) = match tokens {
        [TokenTree::Ident(id)] => (id.clone(), None),
        [TokenTree::Ident(id), TokenTree::Group(g)] if g.delimiter() == Delimiter::Parenthesis => {
            (id.clone(), Some(g.clone()))
        }
        [] => {
            errors.spanned(
                layer,
                format!("layer `{layer}` has no activation; use `Identity` for none"),
            );
            return None;
        }
        _ => {
            errors.spanned(
                &all,
                format!(
                    "expected an activation ({}), e.g. `Relu` or `LeakyRelu(0.2)`",
                    kw::ACTIVATIONS.join(", ")
                ),
            );
            return None;
        }
    };
    let name = ident.to_string();
    let kind = match name.as_str() {
        kw::IDENTITY => ActKind::Identity,
        kw::RELU => ActKind::Relu,
        kw::LEAKY_RELU => {
            let slope = match &args {
                None => 0.01,
                Some(group) => parse_slope(group, errors)?,
            };
            return Some(ActDecl {
                kind: ActKind::LeakyRelu(slope),
                ident,
            });
        }
        kw::SIGMOID => ActKind::Sigmoid,
        kw::TANH => ActKind::Tanh,
        kw::SOFTMAX => ActKind::Softmax,
        _ => {
            let message = if kw::UNSUPPORTED.contains(&name.to_ascii_lowercase().as_str()) {
                format!(
                    "activation `{name}` is not supported; the activations are {}",
                    kw::ACTIVATIONS.join(", ")
                )
            } else {
                match suggest(&name) {
                    Some(known) => format!("unknown activation `{name}`: did you mean `{known}`?"),
                    None => format!(
                        "unknown activation `{name}`: expected one of {}",
                        kw::ACTIVATIONS.join(", ")
                    ),
                }
            };
            errors.spanned(&ident, message);
            return None;
        }
    };
    if let Some(group) = args {
        errors.spanned(
            group,
            format!("`{name}` takes no arguments; only `LeakyRelu(slope)` does"),
        );
        return None;
    }
    Some(ActDecl { kind, ident })
}

/// The slope of `LeakyRelu(slope)`: a finite, non-negative number literal.
fn parse_slope(group: &proc_macro2::Group, errors: &mut Errors) -> Option<f64> {
    let tokens: Vec<TokenTree> = flatten_invisible(group.stream()).into_iter().collect();
    let (negative, lit) = match tokens.as_slice() {
        [TokenTree::Literal(l)] => (false, l),
        [TokenTree::Punct(p), TokenTree::Literal(l)] if p.as_char() == '-' => (true, l),
        _ => {
            errors.spanned(
                group,
                "expected one number, the slope for negative inputs, e.g. `LeakyRelu(0.2)`",
            );
            return None;
        }
    };
    let value = match syn::parse2::<syn::Lit>(TokenStream::from(TokenTree::Literal(lit.clone()))) {
        Ok(syn::Lit::Float(f)) => f.base10_parse::<f64>().ok(),
        Ok(syn::Lit::Int(i)) => i.base10_parse::<f64>().ok(),
        _ => None,
    };
    match value {
        Some(v) if v.is_finite() && !negative => Some(v),
        Some(v) if negative && v == 0.0 => Some(0.0),
        Some(_) if negative => {
            errors.spanned(group.stream(), "the `LeakyRelu` slope must not be negative");
            None
        }
        _ => {
            errors.spanned(
                group.stream(),
                "the `LeakyRelu` slope must be a finite number literal",
            );
            None
        }
    }
}

/// The known activation closest to an unknown name, if one is close enough to be a typo.
pub fn suggest(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    if let Some(&(_, known)) = kw::ALIASES.iter().find(|(alias, _)| *alias == lower) {
        return Some(known);
    }
    let mut best: Option<(usize, &'static str)> = None;
    for known in kw::ACTIVATIONS {
        let d = edit_distance(&lower, &known.to_ascii_lowercase());
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, known));
        }
    }
    best.filter(|&(d, known)| d <= known.len().div_ceil(3))
        .map(|(_, known)| known)
}

/// Levenshtein distance (insertions, deletions, substitutions) over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev_diag = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let next = (prev_diag + cost).min(row[j] + 1).min(row[j + 1] + 1);
            prev_diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}
