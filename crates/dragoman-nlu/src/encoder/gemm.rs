//! Single-precision matrix products for the encoder's forward pass.
//!
//! `matrixmultiply`'s sgemm is the portable path. It packs B on every call, which costs
//! more than the product when A has few rows: encoding one message multiplies 1-row
//! sentence vectors by 1280 × 512 matrices, where packing took 310 µs against 34 µs for
//! streaming B once. So on x86-64 a register-blocked kernel that reads B where it lies takes
//! over in optimised builds: with AVX-512 at every size (measured on Zen 4, one core, weights
//! coming from L3 as in real use: 108-116 GFLOP/s from 4 to 384 rows, against 17-105 for
//! matrixmultiply), with only AVX2 up to [`AVX2_MAX_ROWS`] rows, where packing dominates.

/// Row count up to which the AVX2 kernel is used. Its 4 × 16 blocks reach 70-90 GFLOP/s,
/// ahead of matrixmultiply while packing dominates (measured at 12 rows: 92 vs 150 µs) and
/// behind once there are rows enough to pay for it (48 rows: 480 vs 394 µs). Those figures
/// are against matrixmultiply's AVX-512 kernel (the machine measured on has AVX-512); its
/// AVX2 kernel is slower, so the bound errs low.
const AVX2_MAX_ROWS: usize = 12;

/// `c = a · b + beta · c` for row-major `a` (m × k, row stride `lda`), `b` (k × n, dense) and
/// `c` (m × n, row stride `ldc`). With `beta == 0`, `c`'s old contents are ignored.
#[allow(clippy::too_many_arguments)]
pub(crate) fn gemm(
    m: usize,
    k: usize,
    n: usize,
    a: &[f32],
    lda: usize,
    b: &[f32],
    c: &mut [f32],
    ldc: usize,
    beta: f32,
) {
    if m == 0 || n == 0 {
        return;
    }
    // The bounds both paths rely on; checked here so the unsafe call below is sound.
    assert!(lda >= k && ldc >= n, "gemm: strides shorter than rows");
    assert!(a.len() >= (m - 1) * lda + k, "gemm: a too short");
    assert!(b.len() >= k * n, "gemm: b too short");
    assert!(c.len() >= (m - 1) * ldc + n, "gemm: c too short");
    // The kernel below only pays off when optimised; workspace crates build at opt-level 0 in
    // the dev profile, where it is ~100× slower than matrixmultiply (a dependency, so built
    // at opt-level 1): the model tests took 140 s instead of a few. Its unit tests call it
    // directly, and the release build uses it.
    if !cfg!(debug_assertions) && unpacked(m, k, n, a, lda, b, c, ldc, beta) {
        return;
    }
    // SAFETY: every element addressed by (m, k, n) and the strides lies within the slices
    // (asserted above), and `c` is exclusively borrowed, so it aliases neither `a` nor `b`.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            lda as isize,
            1,
            b.as_ptr(),
            n as isize,
            1,
            beta,
            c.as_mut_ptr(),
            ldc as isize,
            1,
        );
    }
}

/// The product by the unpacked kernel when this CPU, `m` and `n` suit it; false otherwise.
#[allow(clippy::too_many_arguments)]
fn unpacked(
    m: usize,
    k: usize,
    n: usize,
    a: &[f32],
    lda: usize,
    b: &[f32],
    c: &mut [f32],
    ldc: usize,
    beta: f32,
) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        if n.is_multiple_of(64) && is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has the features the function is compiled for (checked above).
            unsafe { x86::blocks_avx512(m, k, n, a, lda, b, c, ldc, beta) };
            return true;
        }
        if m <= AVX2_MAX_ROWS
            && n.is_multiple_of(16)
            && is_x86_feature_detected!("avx2")
            && is_x86_feature_detected!("fma")
        {
            // SAFETY: as above.
            unsafe { x86::blocks_avx2(m, k, n, a, lda, b, c, ldc, beta) };
            return true;
        }
    }
    let _ = (m, k, n, a, lda, b, c, ldc, beta);
    false
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    // Block shapes measured on Zen 4: 4 rows × 64 columns (16 zmm accumulators) against 4 × 32,
    // 6 × 32 and 6 × 64; AVX2 has 16 registers in all, and 4 × 16 (8 accumulators) beat 6 × 16
    // and 4 × 32.
    #[allow(clippy::too_many_arguments)]
    #[target_feature(enable = "avx512f,fma")]
    pub(super) fn blocks_avx512(
        m: usize,
        k: usize,
        n: usize,
        a: &[f32],
        lda: usize,
        b: &[f32],
        c: &mut [f32],
        ldc: usize,
        beta: f32,
    ) {
        super::blocks::<64>(m, k, n, a, lda, b, c, ldc, beta);
    }

    #[allow(clippy::too_many_arguments)]
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn blocks_avx2(
        m: usize,
        k: usize,
        n: usize,
        a: &[f32],
        lda: usize,
        b: &[f32],
        c: &mut [f32],
        ldc: usize,
        beta: f32,
    ) {
        super::blocks::<16>(m, k, n, a, lda, b, c, ldc, beta);
    }
}

/// Column panels of `NR`, row blocks of up to 4; `n` is a multiple of `NR`. Inlined into the
/// `target_feature` functions so that the fixed-size loops become FMA vector code there
/// (`mul_add` is only used where FMA is known to exist: elsewhere it is a slow libm call).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn blocks<const NR: usize>(
    m: usize,
    k: usize,
    n: usize,
    a: &[f32],
    lda: usize,
    b: &[f32],
    c: &mut [f32],
    ldc: usize,
    beta: f32,
) {
    debug_assert!(n.is_multiple_of(NR));
    for j in (0..n).step_by(NR) {
        let mut i = 0;
        while i < m {
            let rows = (m - i).min(4);
            let (a, c) = (&a[i * lda..], &mut c[i * ldc..]);
            match rows {
                1 => block::<1, NR>(k, n, a, lda, b, c, ldc, beta, j),
                2 => block::<2, NR>(k, n, a, lda, b, c, ldc, beta, j),
                3 => block::<3, NR>(k, n, a, lda, b, c, ldc, beta, j),
                _ => block::<4, NR>(k, n, a, lda, b, c, ldc, beta, j),
            }
            i += rows;
        }
    }
}

/// `R` rows × `NR` columns of `c` at column `j`, accumulated in registers over all of `k`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn block<const R: usize, const NR: usize>(
    k: usize,
    n: usize,
    a: &[f32],
    lda: usize,
    b: &[f32],
    c: &mut [f32],
    ldc: usize,
    beta: f32,
    j: usize,
) {
    let mut acc = [[0f32; NR]; R];
    for p in 0..k {
        // A copy, not a reference: with a reference LLVM folds the B load into every FMA,
        // one vector load per FMA, which halves the speed on Zen 4 (measured 56 → 112 GFLOP/s).
        let bv: [f32; NR] = b[p * n + j..][..NR].try_into().unwrap();
        for (r, acc) in acc.iter_mut().enumerate() {
            let av = a[r * lda + p];
            for (acc, &bv) in acc.iter_mut().zip(&bv) {
                *acc = av.mul_add(bv, *acc);
            }
        }
    }
    for (r, acc) in acc.iter().enumerate() {
        let dst = &mut c[r * ldc + j..][..NR];
        if beta == 0.0 {
            dst.copy_from_slice(acc);
        } else {
            for (d, &acc) in dst.iter_mut().zip(acc) {
                *d = acc + beta * *d;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(clippy::too_many_arguments)]
    fn naive(m: usize, k: usize, n: usize, a: &[f32], lda: usize, b: &[f32], c: &mut [f32], ldc: usize, beta: f32) {
        for i in 0..m {
            for j in 0..n {
                let sum: f64 = (0..k).map(|p| f64::from(a[i * lda + p]) * f64::from(b[p * n + j])).sum();
                c[i * ldc + j] = sum as f32 + beta * c[i * ldc + j];
            }
        }
    }

    #[test]
    fn matches_naive_for_few_and_many_rows_with_strides() {
        // Row counts on both sides of AVX2_MAX_ROWS and every row-block remainder; widths that
        // suit the AVX-512 kernel (128), only AVX2 (48) and neither (20). Both `gemm` (which
        // is matrixmultiply in debug builds) and the kernel itself, where this CPU runs it.
        let mut kernel_runs = 0;
        for m in [1, 2, 3, 4, 5, 7, 12, 13, 40] {
            for n in [128, 48, 20] {
                let (k, lda, ldc) = (37, 41, n + 3);
                let a: Vec<f32> = (0..m * lda).map(|i| ((i * 7) % 11) as f32 * 0.25 - 1.0).collect();
                let b: Vec<f32> = (0..k * n).map(|i| ((i * 5) % 13) as f32 * 0.125 - 0.75).collect();
                for beta in [0.0, 1.0] {
                    let init: Vec<f32> = (0..m * ldc).map(|i| (i % 5) as f32).collect();
                    let mut want = init.clone();
                    naive(m, k, n, &a, lda, &b, &mut want, ldc, beta);
                    // beta 0 must ignore old contents, NaN included.
                    let mut start = init.clone();
                    if beta == 0.0 {
                        for i in 0..m {
                            start[i * ldc..i * ldc + n].fill(f32::NAN);
                        }
                    }
                    let mut via_gemm = start.clone();
                    gemm(m, k, n, &a, lda, &b, &mut via_gemm, ldc, beta);
                    let mut via_kernel = start.clone();
                    let ran = unpacked(m, k, n, &a, lda, &b, &mut via_kernel, ldc, beta);
                    kernel_runs += usize::from(ran);
                    let results = [Some(("gemm", via_gemm)), ran.then_some(("kernel", via_kernel))];
                    for (path, got) in results.into_iter().flatten() {
                        for (idx, (g, w)) in got.iter().zip(&want).enumerate() {
                            let (i, j) = (idx / ldc, idx % ldc);
                            assert!((g - w).abs() < 1e-4, "{path} m={m} n={n} beta={beta} ({i},{j}): {g} vs {w}");
                        }
                    }
                }
            }
        }
        #[cfg(target_arch = "x86_64")]
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            assert!(kernel_runs > 0, "the kernel never ran on a CPU that has it");
        }
        let _ = kernel_runs;
    }
}
