//! Unit tests of the macro's passes on `proc_macro2` tokens.

mod fuzz;
mod snapshot;

use crate::parse_and_check;
use quote::quote;

fn errors_of(input: proc_macro2::TokenStream) -> Vec<String> {
    match parse_and_check(input) {
        Ok(_) => Vec::new(),
        Err(err) => err.into_iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn quick_start_is_accepted() {
    let net = parse_and_check(quote! {
        /// Doc.
        pub struct Iris {
            input: 4,
            hidden: Dense<16, Relu>,
            output: Dense<3, Softmax>,
        }
    })
    .map_err(|e| e.to_string())
    .unwrap();
    assert_eq!(net.inputs, 4);
    assert_eq!(net.outputs(), 3);
    assert_eq!(net.params, 131);
    assert_eq!(net.layers[1].offset, 80);
}

#[test]
fn all_problems_are_reported_at_once() {
    let errors = errors_of(quote! {
        struct Bad {
            input: 0,
            a: Dense<-3, Relu>,
            a: Dense<4, Rleu>,
            b: Dense<5 -> 6, Tanh>,
            c: Dense<1, Softmax>,
        }
    });
    // Syntax errors come from the parse pass, rule violations from the check pass.
    assert_eq!(
        errors,
        [
            "the layer size must be a positive integer, found `-3`",
            "unknown activation `Rleu`: did you mean `Relu`?",
            "the input layer needs at least one feature: the size must be at least 1",
            "duplicate layer name `a`: each layer needs its own name",
            "layer `b` states 5 inputs, but the previous layer `a` has 4 outputs",
            "`Softmax` over a single output is always 1.0 and cannot learn; use `Sigmoid` for a \
             single-output classifier (layer `c`)",
        ]
    );
}

#[test]
fn stated_size_mismatch_names_both_layers() {
    let errors = errors_of(quote! {
        struct Net { input: 4, hidden: Dense<16, Relu>, output: Dense<8 -> 3, Softmax> }
    });
    assert_eq!(
        errors,
        ["layer `output` states 8 inputs, but the previous layer `hidden` has 16 outputs"]
    );
}

#[test]
fn suggestions() {
    use crate::parse::suggest;
    assert_eq!(suggest("ReLU"), Some("Relu"));
    assert_eq!(suggest("relu"), Some("Relu"));
    assert_eq!(suggest("Sigmiod"), Some("Sigmoid"));
    assert_eq!(suggest("SoftMax"), Some("Softmax"));
    assert_eq!(suggest("Linear"), Some("Identity"));
    assert_eq!(suggest("Leaky_ReLU"), Some("LeakyRelu"));
    assert_eq!(suggest("Tahn"), Some("Tanh"));
    assert_eq!(suggest("Convolution"), None);
}
