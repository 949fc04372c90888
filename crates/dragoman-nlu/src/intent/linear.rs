//! Multinomial logistic regression (softmax) over sentence embeddings: small, fast to train
//! from a few thousand examples in well under a second, and its probabilities are usable as
//! confidences.

/// Weights of a trained model: one row of `dim` weights and a bias per class.
#[derive(Debug, Clone)]
pub struct Linear {
    dim: usize,
    classes: usize,
    weights: Vec<f32>,
    bias: Vec<f32>,
}

/// One training example: its features, class and weight (store examples count more).
pub struct Sample<'a> {
    pub features: &'a [f32],
    pub class: usize,
    pub weight: f32,
}

const EPOCHS: usize = 40;
const LEARNING_RATE: f32 = 0.5;
/// L2 penalty: the examples are few per class and language; keep the weights modest.
const L2: f32 = 1e-4;

impl Linear {
    /// Trains with shuffled stochastic gradient descent and a decaying step; deterministic for
    /// the same samples (the shuffle uses a fixed seed).
    pub fn train(samples: &[Sample<'_>], dim: usize, classes: usize) -> Linear {
        let mut model = Linear { dim, classes, weights: vec![0.0; dim * classes], bias: vec![0.0; classes] };
        if samples.is_empty() {
            return model;
        }
        let mut order: Vec<usize> = (0..samples.len()).collect();
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut probabilities = vec![0.0; classes];
        for epoch in 0..EPOCHS {
            shuffle(&mut order, &mut seed);
            let step = LEARNING_RATE / (1.0 + epoch as f32 * 0.25);
            for &i in &order {
                let sample = &samples[i];
                model.probabilities_into(sample.features, &mut probabilities);
                for (class, p) in probabilities.iter().enumerate() {
                    let target = if class == sample.class { 1.0 } else { 0.0 };
                    let gradient = (p - target) * sample.weight;
                    let row = &mut model.weights[class * dim..(class + 1) * dim];
                    for (w, x) in row.iter_mut().zip(sample.features) {
                        *w -= step * (gradient * x + L2 * *w);
                    }
                    model.bias[class] -= step * gradient;
                }
            }
        }
        model
    }

    /// Class probabilities for one feature vector.
    pub fn probabilities(&self, features: &[f32]) -> Vec<f32> {
        let mut out = vec![0.0; self.classes];
        self.probabilities_into(features, &mut out);
        out
    }

    fn probabilities_into(&self, features: &[f32], out: &mut [f32]) {
        debug_assert_eq!(features.len(), self.dim);
        for (class, o) in out.iter_mut().enumerate() {
            let row = &self.weights[class * self.dim..(class + 1) * self.dim];
            *o = self.bias[class] + row.iter().zip(features).map(|(w, x)| w * x).sum::<f32>();
        }
        softmax(out);
    }
}

fn softmax(v: &mut [f32]) {
    let max = v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for x in v.iter_mut() {
        *x = (*x - max).exp();
        sum += *x;
    }
    for x in v.iter_mut() {
        *x /= sum;
    }
}

/// Fisher–Yates with xorshift: reproducible training without a random-number dependency.
fn shuffle(order: &mut [usize], seed: &mut u64) {
    for i in (1..order.len()).rev() {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        let j = (*seed % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_separable_classes() {
        let points = [[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9], [-1.0, -1.0], [-0.9, -1.1]];
        let classes = [0, 0, 1, 1, 2, 2];
        let samples: Vec<Sample> =
            points.iter().zip(classes).map(|(p, class)| Sample { features: p, class, weight: 1.0 }).collect();
        let model = Linear::train(&samples, 2, 3);
        for (p, class) in points.iter().zip(classes) {
            let probabilities = model.probabilities(p);
            let best = probabilities.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
            assert_eq!(best, class, "{p:?} → {probabilities:?}");
            assert!((probabilities.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        }
    }

    #[test]
    fn untrained_model_is_uniform() {
        let model = Linear::train(&[], 3, 4);
        assert_eq!(model.probabilities(&[1.0, 2.0, 3.0]), vec![0.25; 4]);
    }
}
