//! Implementation detail of the [`nn`](https://docs.rs/nn) crate: the `network!` macro.
//!
//! Use it through `nn::network!`; its documentation lives there. Inside, the macro runs three
//! passes on `proc_macro2` tokens, so each can be unit-tested outside the compiler:
//! `parse` (syntax only), `check` (sizes, names and activation rules) and `expand`
//! (code generation). Every problem found becomes a `compile_error!` spanned to its own tokens,
//! and all of them are reported at once.

mod check;
mod errors;
mod expand;
mod kw;
mod parse;

#[cfg(test)]
mod tests;

use proc_macro2::TokenStream;

/// Declares a network; see the `nn` crate's documentation.
#[proc_macro]
pub fn network(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    network_impl(input.into()).into()
}

/// The whole macro on `proc_macro2` tokens: either the generated code, or compile errors.
fn network_impl(input: TokenStream) -> TokenStream {
    match parse_and_check(input) {
        Ok(net) => expand::expand(&net),
        Err(err) => err.to_compile_error(),
    }
}

/// Parses and checks a definition, returning every error found combined into one.
fn parse_and_check(input: TokenStream) -> syn::Result<check::Net> {
    let mut errors = errors::Errors::default();
    let parsed = parse::parse(input, &mut errors);
    let checked = parsed.and_then(|def| check::check(&def, &mut errors));
    errors.finish()?;
    // `finish` returned Ok, so no error was recorded and both passes produced a value.
    checked.ok_or_else(|| syn::Error::new(proc_macro2::Span::call_site(), kw::INTERNAL_ERROR))
}
