//! Every keyword and fixed message of the DSL in one place.

pub const INPUT: &str = "input";
pub const DENSE: &str = "Dense";
pub const NN_ATTR: &str = "nn";
pub const CRATE: &str = "crate";

pub const IDENTITY: &str = "Identity";
pub const RELU: &str = "Relu";
pub const LEAKY_RELU: &str = "LeakyRelu";
pub const SIGMOID: &str = "Sigmoid";
pub const TANH: &str = "Tanh";
pub const SOFTMAX: &str = "Softmax";

/// The activations, in the order the documentation lists them.
pub const ACTIVATIONS: [&str; 6] = [IDENTITY, RELU, LEAKY_RELU, SIGMOID, TANH, SOFTMAX];

/// Names users coming from other libraries may type, and what we call them.
pub const ALIASES: [(&str, &str); 8] = [
    ("linear", IDENTITY),
    ("none", IDENTITY),
    ("id", IDENTITY),
    ("leaky", LEAKY_RELU),
    ("leakyrelu", LEAKY_RELU),
    ("logistic", SIGMOID),
    ("sigm", SIGMOID),
    ("softargmax", SOFTMAX),
];

pub const LAYER_SYNTAX: &str =
    "expected a layer such as `hidden: Dense<16, Relu>` or `hidden: Dense<4 -> 16, Relu>`";
pub const INTERNAL_ERROR: &str = "internal error in `network!`: no error was reported but no network was produced; please report this";

/// Well-known activations `network!` does not provide (yet): named plainly instead of being
/// "corrected" to a similar-looking supported one.
pub const UNSUPPORTED: [&str; 10] = [
    "gelu", "elu", "selu", "silu", "swish", "mish", "softplus", "softsign", "hardtanh", "prelu",
];
