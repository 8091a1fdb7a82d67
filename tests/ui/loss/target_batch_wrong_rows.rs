use nn::prelude::*;

network! {
    struct Net {
        input: 4,
        output: Dense<3, Softmax>,
    }
}

fn main() {
    let net = Net::random(0);
    let x = SMatrix::<f32, 4, 8>::zeros();
    let y = SMatrix::<f32, 2, 8>::zeros();
    let _ = net.backprop(&x, &y, &CrossEntropy);
}
