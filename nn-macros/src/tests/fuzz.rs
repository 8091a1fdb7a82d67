//! The macro never panics: thousands of random and mutated token streams, derived from valid
//! definitions, must each give generated code or a compile error.

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::quote;

/// SplitMix64: a tiny deterministic generator, so every run tests the same inputs.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn seeds() -> Vec<TokenStream> {
    vec![
        quote! { pub struct Iris { input: 4, hidden: Dense<16, Relu>, output: Dense<3, Softmax>, } },
        quote! { struct L { input: 2, output: Dense<1, Sigmoid> } },
        quote! {
            /// Docs.
            #[derive(Clone)]
            #[nn(crate = ::nn)]
            pub(crate) struct D {
                input: 3,
                /// First.
                a: Dense<3 -> 8, LeakyRelu(0.2)>,
                b: Dense<8 -> 4, Tanh>,
                c: Dense<4, LeakyRelu>,
                d: Dense<2, Identity>,
                output: Dense<2, Softmax>,
            }
        },
    ]
}

/// Replacement tokens that exercise every error path.
fn atom(g: &mut Gen) -> TokenTree {
    match g.below(17) {
        0 => Literal::usize_unsuffixed(g.below(5)).into(),
        1 => Literal::u64_unsuffixed(u64::MAX).into(),
        2 => Literal::f64_unsuffixed(2.5).into(),
        3 => Literal::string("16").into(),
        4 => Literal::character('x').into(),
        5 => Punct::new('-', Spacing::Joint).into(),
        6 => Punct::new('>', Spacing::Alone).into(),
        7 => Punct::new('<', Spacing::Alone).into(),
        8 => Punct::new(',', Spacing::Alone).into(),
        9 => Punct::new(':', Spacing::Alone).into(),
        10 => Punct::new('#', Spacing::Alone).into(),
        11 => Ident::new(
            [
                "Dense",
                "input",
                "Relu",
                "Softmax",
                "struct",
                "pub",
                "Sigmoid",
                "LeakyRelu",
            ][g.below(8)],
            Span::call_site(),
        )
        .into(),
        12 => Ident::new(
            ["hidden", "Foo", "relu", "crate", "nn", "_"][g.below(6)],
            Span::call_site(),
        )
        .into(),
        16 => Ident::new_raw("type", Span::call_site()).into(),
        13 => Group::new(
            Delimiter::Parenthesis,
            TokenStream::from(TokenTree::from(Literal::f64_unsuffixed(0.1))),
        )
        .into(),
        14 => Group::new(Delimiter::Brace, TokenStream::new()).into(),
        _ => Group::new(Delimiter::Bracket, quote!(doc = "x")).into(),
    }
}

/// One random edit somewhere in the tree (descending into groups).
fn mutate(stream: TokenStream, g: &mut Gen) -> TokenStream {
    let mut tokens: Vec<TokenTree> = stream.into_iter().collect();
    if tokens.is_empty() {
        return TokenStream::from(atom(g));
    }
    let i = g.below(tokens.len());
    match g.below(6) {
        0 => {
            tokens.remove(i);
        }
        1 => tokens.insert(i, atom(g)),
        2 => tokens[i] = atom(g),
        3 => {
            let j = g.below(tokens.len());
            tokens.swap(i, j);
        }
        4 => {
            let t = tokens[i].clone();
            tokens.insert(i, t);
        }
        _ => {
            if let TokenTree::Group(group) = &tokens[i] {
                let mut inner = Group::new(group.delimiter(), mutate(group.stream(), g));
                inner.set_span(group.span());
                tokens[i] = inner.into();
            } else {
                tokens.truncate(i);
            }
        }
    }
    tokens.into_iter().collect()
}

fn random_stream(g: &mut Gen, depth: usize) -> TokenStream {
    (0..g.below(12))
        .map(|_| {
            if depth < 2 && g.below(5) == 0 {
                let d = [Delimiter::Brace, Delimiter::Parenthesis, Delimiter::Bracket][g.below(3)];
                TokenTree::from(Group::new(d, random_stream(g, depth + 1)))
            } else {
                atom(g)
            }
        })
        .collect()
}

fn run_no_panic(input: TokenStream) -> bool {
    let text = input.to_string();
    let result = std::panic::catch_unwind(move || {
        let outcome = crate::parse_and_check(input.clone());
        let ok = outcome.is_ok();
        // Expansion must not panic either (whether code or errors come out).
        let _ = crate::network_impl(input);
        ok
    });
    match result {
        Ok(ok) => ok,
        Err(_) => panic!("the macro panicked on: {text}"),
    }
}

#[test]
fn mutated_and_random_inputs_never_panic() {
    let mut g = Gen(0x5EED);
    let seeds = seeds();
    let (mut accepted, mut rejected) = (0usize, 0usize);
    for round in 0..20_000 {
        let input = if round % 5 == 0 {
            random_stream(&mut g, 0)
        } else {
            let mut s = seeds[g.below(seeds.len())].clone();
            for _ in 0..=g.below(3) {
                s = mutate(s, &mut g);
            }
            s
        };
        if run_no_panic(input) {
            accepted += 1;
        } else {
            rejected += 1;
        }
    }
    // Both outcomes must really occur, or the mutations are not exercising the checker.
    assert!(
        accepted > 500 && rejected > 10_000,
        "accepted {accepted}, rejected {rejected}"
    );
}
