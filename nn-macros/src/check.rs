//! The rules: one input first, at least one layer, unique names, positive sizes, stated sizes
//! that agree with the previous layer, no softmax over a single output, and a network small
//! enough to count. Produces the fully resolved [`Net`] that [`crate::expand`] generates from.

use crate::errors::Errors;
use crate::kw;
use crate::parse::{ActKind, Def, Entry, Size};
use syn::{Attribute, Ident, Visibility};

/// A checked network: every size known and consistent.
pub struct Net {
    pub attrs: Vec<Attribute>,
    pub krate: syn::Path,
    pub vis: Visibility,
    pub ident: Ident,
    pub inputs: usize,
    pub layers: Vec<Layer>,
    pub params: usize,
}

pub struct Layer {
    pub docs: Vec<Attribute>,
    pub name: Ident,
    pub inputs: usize,
    pub outputs: usize,
    pub act: ActKind,
    pub act_ident: Ident,
    /// Offset of this layer's first parameter in the flat parameter order.
    pub offset: usize,
}

impl Layer {
    pub fn params(&self) -> usize {
        self.inputs * self.outputs + self.outputs
    }
}

impl Net {
    pub fn outputs(&self) -> usize {
        self.layers.last().map_or(self.inputs, |l| l.outputs)
    }
}

/// Checks a parsed definition. Returns `None` if anything was wrong (the errors are recorded).
pub fn check(def: &Def, errors: &mut Errors) -> Option<Net> {
    let before = errors.len();
    let mut input: Option<(usize, &Ident)> = None;
    let mut input_seen: Option<&Ident> = None;
    let mut saw_layer = false;
    let mut layers: Vec<Layer> = Vec::new();
    // Size of the previous layer's output, with its name (`input` for the input layer);
    // `None` when it is unknown because of an earlier error.
    let mut prev: Option<(usize, String)> = None;
    let mut names: Vec<&Ident> = Vec::new();
    let mut total: Option<usize> = Some(0);
    let mut complete = true;

    for entry in &def.entries {
        match entry {
            Entry::Input(decl) => {
                if input_seen.is_some() {
                    errors.spanned(
                        &decl.name,
                        "`input` is declared twice; a network has one input layer",
                    );
                    continue;
                }
                input_seen = Some(&decl.name);
                if saw_layer {
                    errors.spanned(&decl.name, "`input` must come first, before the layers");
                }
                match &decl.size {
                    Some(size) if size.value == 0 => {
                        errors.spanned(&size.tokens, "the input layer needs at least one feature: the size must be at least 1");
                    }
                    Some(size) => {
                        input = Some((size.value, &decl.name));
                        prev = Some((size.value, kw::INPUT.to_owned()));
                    }
                    None => {}
                }
            }
            Entry::Layer(layer) => {
                saw_layer = true;
                // `a` and `r#a` are the same field name.
                if names.iter().any(|n| {
                    syn::ext::IdentExt::unraw(*n) == syn::ext::IdentExt::unraw(&layer.name)
                }) {
                    errors.spanned(
                        &layer.name,
                        format!(
                            "duplicate layer name `{}`: each layer needs its own name",
                            layer.name
                        ),
                    );
                }
                names.push(&layer.name);
                let out = layer
                    .out
                    .as_ref()
                    .and_then(|s| positive(s, &layer.name, errors));
                // A stated input size is checked against the previous layer.
                let stated = match &layer.stated_in {
                    Some(Some(size)) => positive(size, &layer.name, errors).map(|v| (v, size)),
                    _ => None,
                };
                let inputs = match (&prev, stated) {
                    (Some((p, pname)), Some((s, size))) if *p != s => {
                        errors.spanned(
                            &size.tokens,
                            format!(
                                "layer `{}` states {s} inputs, but the previous layer `{pname}` has {p} outputs",
                                layer.name
                            ),
                        );
                        None
                    }
                    (Some((p, _)), _) => Some(*p),
                    (None, Some((s, _))) => Some(s),
                    (None, None) => None,
                };
                if let (Some(act), Some(1)) = (&layer.act, out)
                    && act.kind == ActKind::Softmax
                {
                    errors.spanned(
                        &act.ident,
                        format!(
                            "`Softmax` over a single output is always 1.0 and cannot learn; \
                             use `Sigmoid` for a single-output classifier (layer `{}`)",
                            layer.name
                        ),
                    );
                }
                prev = out.map(|o| (o, layer.name.to_string()));
                match (inputs, out, &layer.act) {
                    (Some(i), Some(o), Some(act)) => {
                        let offset = total.unwrap_or(0);
                        total = i
                            .checked_mul(o)
                            .and_then(|w| w.checked_add(o))
                            .and_then(|p| total.and_then(|t| t.checked_add(p)))
                            .filter(|&t| t <= MAX_PARAMS);
                        if total.is_none() {
                            errors.spanned(
                                &layer.name,
                                format!("the network is too large: more than {MAX_PARAMS} parameters by layer `{}`", layer.name),
                            );
                            complete = false;
                            break;
                        }
                        layers.push(Layer {
                            docs: layer.docs.clone(),
                            name: layer.name.clone(),
                            inputs: i,
                            outputs: o,
                            act: act.kind,
                            act_ident: act.ident.clone(),
                            offset,
                        });
                    }
                    _ => complete = false,
                }
            }
        }
    }

    if input_seen.is_none() && def.bad_entries == 0 {
        errors.spanned(
            &def.ident,
            format!("network `{}` has no input layer: add `input: N,` as its first line, N being the number of features", def.ident),
        );
    }
    if !saw_layer && def.bad_entries == 0 {
        errors.at(
            def.brace_span,
            format!("network `{}` has no layers: it needs at least an output layer, e.g. `output: Dense<1, Sigmoid>`", def.ident),
        );
    }
    let (inputs, _) = input?;
    if errors.len() != before || !complete {
        return None;
    }
    let krate = def.krate.clone().unwrap_or_else(|| syn::parse_quote!(::nn));
    Some(Net {
        attrs: def.attrs.clone(),
        krate,
        vis: def.vis.clone(),
        ident: def.ident.clone(),
        inputs,
        layers,
        params: total?,
    })
}

/// Larger networks would not fit in memory as static arrays anyway; the limit keeps the size
/// arithmetic (and rustc) well away from overflow.
const MAX_PARAMS: usize = 1 << 31;

fn positive(size: &Size, layer: &Ident, errors: &mut Errors) -> Option<usize> {
    if size.value == 0 {
        errors.spanned(
            &size.tokens,
            format!("layer `{layer}` needs at least one node: a size of 0 is not allowed"),
        );
        None
    } else {
        Some(size.value)
    }
}
