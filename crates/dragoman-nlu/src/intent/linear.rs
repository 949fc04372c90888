//! Multinomial logistic regression (softmax) over a dense part (a sentence embedding) and a
//! sparse part (hashed character n-grams): small, fast to train from a few thousand examples
//! in about a second, and its probabilities are usable as confidences.

/// Weights of a trained model: one row of `dim` weights and a bias per class.
#[derive(Debug, Clone)]
pub struct Linear {
    dim: usize,
    classes: usize,
    weights: Vec<f32>,
    bias: Vec<f32>,
}

/// A feature vector: dense values, then sparse (index, value) pairs indexing past them.
#[derive(Debug, Clone, Copy)]
pub struct Features<'a> {
    pub dense: &'a [f32],
    pub sparse: &'a [(u32, f32)],
}

impl Features<'_> {
    fn dot(&self, row: &[f32]) -> f32 {
        let dense: f32 = row.iter().zip(self.dense).map(|(w, x)| w * x).sum();
        let sparse: f32 = self.sparse.iter().map(|&(i, x)| row[self.dense.len() + i as usize] * x).sum();
        dense + sparse
    }
}

/// One training example: its features, class and weight (store examples count more).
pub struct Sample<'a> {
    pub features: Features<'a>,
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
                    let dense = sample.features.dense;
                    for (w, x) in row.iter_mut().zip(dense) {
                        *w -= step * (gradient * x + L2 * *w);
                    }
                    // Sparse weights are regularised only when their feature occurs: the usual
                    // lazy approximation, which keeps a step proportional to the text's length.
                    for &(i, x) in sample.features.sparse {
                        let w = &mut row[dense.len() + i as usize];
                        *w -= step * (gradient * x + L2 * *w);
                    }
                    model.bias[class] -= step * gradient;
                }
            }
        }
        model
    }

    /// Class probabilities for one feature vector.
    pub fn probabilities(&self, features: Features<'_>) -> Vec<f32> {
        let mut out = vec![0.0; self.classes];
        self.probabilities_into(features, &mut out);
        out
    }

    fn probabilities_into(&self, features: Features<'_>, out: &mut [f32]) {
        for (class, o) in out.iter_mut().enumerate() {
            let row = &self.weights[class * self.dim..(class + 1) * self.dim];
            *o = self.bias[class] + features.dot(row);
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
        static POINTS: [[f32; 2]; 6] = [[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9], [-1.0, -1.0], [-0.9, -1.1]];
        let points = &POINTS;
        let classes = [0, 0, 1, 1, 2, 2];
        let dense = |p: &'static [f32; 2]| Features { dense: p, sparse: &[] };
        let samples: Vec<Sample> =
            points.iter().zip(classes).map(|(p, class)| Sample { features: dense(p), class, weight: 1.0 }).collect();
        let model = Linear::train(&samples, 2, 3);
        for (p, class) in points.iter().zip(classes) {
            let probabilities = model.probabilities(dense(p));
            let best = probabilities.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
            assert_eq!(best, class, "{p:?} → {probabilities:?}");
            assert!((probabilities.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        }
    }

    #[test]
    fn untrained_model_is_uniform() {
        let model = Linear::train(&[], 3, 4);
        assert_eq!(model.probabilities(Features { dense: &[1.0, 2.0], sparse: &[(0, 1.0)] }), vec![0.25; 4]);
    }
}
