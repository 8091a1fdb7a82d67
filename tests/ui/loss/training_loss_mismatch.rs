use nn::prelude::*;

network! {
    struct Net {
        input: 2,
        output: Dense<1, Identity>,
    }
}

fn main() {
    let x = [[0.0f32, 1.0]];
    let y = [[1.0f32]];
    let data = Dataset::new(&x, &y).unwrap();
    let mut net = Net::random(0);
    let mut opt = Sgd::new(0.1);
    let _ = Fit::new(1).run(&mut net, &mut opt, &BinaryCrossEntropy, &data, FullBatch::<4>, |_| ());
}
