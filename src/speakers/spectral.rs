//! Auto-tuned spectral clustering with the normalised maximum eigengap (NME-SC; Park, Han,
//! Kumar and Narayanan, "Auto-Tuning Spectral Clustering for Speaker Diarization Using
//! Normalized Maximum Eigengap", IEEE SPL 2019): the number of speakers and the affinity's
//! pruning are both read off each recording's own eigenvalues, so no similarity threshold has
//! to carry from one corpus to another.
//!
//! 1. The affinity of two items is their cosine similarity, min-max scaled to 0..1.
//! 2. For each candidate `p`, every row keeps its `p` most similar items (set to 1, the rest
//!    0), and the result is symmetrised: a `p`-nearest-neighbour graph.
//! 3. The graph's Laplacian `D - A` has as many near-zero eigenvalues as the graph has
//!    well-separated groups; the largest gap among the first `max` eigenvalues gives the count
//!    `k`, and that gap over the largest eigenvalue, `g`, says how clear the split is.
//! 4. The `p` with the smallest `p / g` wins: the sparsest graph that still gives a clear gap.
//! 5. The rows of the `k` eigenvectors of the smallest eigenvalues are clustered by k-means.
//!
//! Cost: one symmetric eigendecomposition per candidate `p` of an `n` x `n` matrix. Callers
//! bound `n` ([`reduce`] turns any number of items into at most `limit` weighted centroids).

use nalgebra::{DMatrix, SymmetricEigen};

/// Candidate `p`s are searched up to this share of the items.
const P_SHARE: f64 = 0.25;
/// ... and from this share: sparser graphs fall apart into many small pieces whose eigengap
/// looks clear. Chosen on the real-voice development meetings (0.05 and 0.1 tried): with a
/// floor of 1, short meetings of 20 to 70 windows came out as 8 to 15 speakers.
const P_FLOOR_SHARE: f64 = 0.1;
/// ... and never from fewer than this many neighbours.
const P_FLOOR: usize = 4;
/// At most this many candidate `p`s are tried (spread evenly over the range).
const P_CANDIDATES: usize = 24;
/// k-means rounds (it settles in a few on spectral embeddings).
const KMEANS_ROUNDS: usize = 50;
/// k-means rounds when reducing many windows to units (a partition fine enough to cluster).
const REDUCE_ROUNDS: usize = 8;

/// What the clustering found.
#[derive(Debug, Clone, PartialEq)]
pub struct Spectral {
    /// A cluster per item, numbered by first appearance.
    pub labels: Vec<usize>,
    /// Clusters found.
    pub count: usize,
    /// The pruning chosen (neighbours kept per row).
    pub p: usize,
    /// The normalised eigengap at the chosen count: near 0 when the split is unclear.
    pub gap: f64,
}

/// Clusters unit vectors `items` into between `min` and `max` groups (`min == max` fixes the
/// count). Deterministic: no random start anywhere.
pub fn cluster<T: AsRef<[f32]>>(items: &[T], min: usize, max: usize) -> Spectral {
    let n = items.len();
    let max = max.min(n).max(1);
    let min = min.clamp(1, max);
    if n <= 2 || max == 1 {
        let labels = if n == 2 && min == 2 {
            vec![0, 1]
        } else {
            vec![0; n]
        };
        let count = labels.iter().max().map_or(0, |m| m + 1);
        return Spectral {
            labels,
            count,
            p: 0,
            gap: 0.0,
        };
    }
    let affinity = scaled_affinity(items);
    let p_min = ((n as f64 * P_FLOOR_SHARE).ceil() as usize)
        .max(P_FLOOR)
        .clamp(1, n - 1);
    // at least one step above the floor where there is room (with 3 items there is none)
    let p_max = ((n as f64 * P_SHARE) as usize)
        .max(p_min + 1)
        .min(n - 1)
        .max(p_min);
    let step = (p_max - p_min + 1).div_ceil(P_CANDIDATES).max(1);
    let mut best: Option<(f64, usize, usize, f64)> = None;
    for p in (p_min..=p_max).step_by(step) {
        let laplacian = laplacian(&pruned(&affinity, n, p), n);
        let values = SymmetricEigen::new(laplacian).eigenvalues;
        let mut values: Vec<f64> = values.iter().copied().collect();
        values.sort_by(f64::total_cmp);
        let largest = values.last().copied().unwrap_or(0.0).max(1e-10);
        // gap i is between eigenvalue i and i + 1 (0-based): i + 1 groups below it
        let (k, gap) = (min..=max)
            .filter(|&k| k < n)
            .map(|k| (k, values[k] - values[k - 1]))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap_or((min, 0.0));
        let normalised = gap / largest;
        let ratio = if normalised > 0.0 {
            p as f64 / normalised
        } else {
            f64::INFINITY
        };
        if best.is_none_or(|(r, ..)| ratio < r) {
            best = Some((ratio, p, k, normalised));
        }
    }
    let (_, p, count, gap) = best.expect("at least one candidate");
    let graph = pruned(&affinity, n, p);
    let eigen = SymmetricEigen::new(laplacian(&graph, n));
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| eigen.eigenvalues[a].total_cmp(&eigen.eigenvalues[b]));
    let rows: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            order[..count]
                .iter()
                .map(|&c| eigen.eigenvectors[(i, c)])
                .collect()
        })
        .collect();
    let labels = kmeans(&rows, &vec![1.0; n], count, KMEANS_ROUNDS);
    Spectral {
        count: labels.iter().max().map_or(0, |m| m + 1),
        labels,
        p,
        gap,
    }
}

/// Reduces `items` (with `weights`) to at most `limit` weighted centroids by k-means; returns
/// the centroids (unit length), their weights and each item's centroid.
pub fn reduce<T: AsRef<[f32]>>(
    items: &[T],
    weights: &[f32],
    limit: usize,
) -> (Vec<Vec<f32>>, Vec<f32>, Vec<usize>) {
    if items.len() <= limit {
        return (
            items.iter().map(|v| v.as_ref().to_vec()).collect(),
            weights.to_vec(),
            (0..items.len()).collect(),
        );
    }
    let rows: Vec<Vec<f64>> = items
        .iter()
        .map(|v| v.as_ref().iter().map(|&x| x as f64).collect())
        .collect();
    let w: Vec<f64> = weights.iter().map(|&x| x as f64).collect();
    let labels = kmeans(&rows, &w, limit, REDUCE_ROUNDS);
    let k = labels.iter().max().map_or(0, |m| m + 1);
    let dim = rows[0].len();
    let mut sums = vec![vec![0f64; dim]; k];
    let mut mass = vec![0f32; k];
    for ((row, &l), &wi) in rows.iter().zip(&labels).zip(weights) {
        for (s, x) in sums[l].iter_mut().zip(row) {
            *s += x * wi as f64;
        }
        mass[l] += wi;
    }
    let centroids = sums
        .into_iter()
        .map(|s| {
            let norm = s.iter().map(|x| x * x).sum::<f64>().sqrt().max(1e-12);
            s.iter().map(|x| (x / norm) as f32).collect()
        })
        .collect();
    (centroids, mass, labels)
}

/// Cosine similarities, min-max scaled to 0..1 (the diagonal is 1).
fn scaled_affinity<T: AsRef<[f32]>>(items: &[T]) -> Vec<f64> {
    let n = items.len();
    let mut a = vec![0f64; n * n];
    for i in 0..n {
        for j in i..n {
            let s: f64 = items[i]
                .as_ref()
                .iter()
                .zip(items[j].as_ref())
                .map(|(x, y)| *x as f64 * *y as f64)
                .sum();
            a[i * n + j] = s;
            a[j * n + i] = s;
        }
    }
    let (low, high) = a
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &x| {
            (l.min(x), h.max(x))
        });
    let range = (high - low).max(1e-12);
    for x in &mut a {
        *x = (*x - low) / range;
    }
    for i in 0..n {
        a[i * n + i] = 1.0;
    }
    a
}

/// The `p`-nearest-neighbour graph of the affinity (each row keeps itself and its `p` most
/// similar others), symmetrised.
fn pruned(affinity: &[f64], n: usize, p: usize) -> Vec<f64> {
    let mut kept = vec![0f64; n * n];
    for i in 0..n {
        let row = &affinity[i * n..(i + 1) * n];
        let mut order: Vec<usize> = (0..n).collect();
        // ties broken by index: deterministic
        order.sort_by(|&a, &b| row[b].total_cmp(&row[a]).then(a.cmp(&b)));
        for &j in order.iter().take(p + 1) {
            kept[i * n + j] = 1.0;
        }
        kept[i * n + i] = 1.0;
    }
    let mut graph = vec![0f64; n * n];
    for i in 0..n {
        for j in 0..n {
            graph[i * n + j] = 0.5 * (kept[i * n + j] + kept[j * n + i]);
        }
    }
    graph
}

/// The unnormalised Laplacian `D - A`.
fn laplacian(graph: &[f64], n: usize) -> DMatrix<f64> {
    DMatrix::from_fn(n, n, |i, j| {
        if i == j {
            graph[i * n..(i + 1) * n].iter().sum::<f64>() - graph[i * n + i]
        } else {
            -graph[i * n + j]
        }
    })
}

/// Weighted k-means with a deterministic start: the row farthest from the weighted mean, then
/// each next the row farthest from the centres chosen. Labels are numbered by first appearance;
/// an empty cluster is dropped.
fn kmeans(rows: &[Vec<f64>], weights: &[f64], k: usize, rounds: usize) -> Vec<usize> {
    let n = rows.len();
    let k = k.min(n).max(1);
    let dim = rows.first().map_or(0, Vec::len);
    let distance =
        |a: &[f64], b: &[f64]| -> f64 { a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum() };
    let total: f64 = weights.iter().sum::<f64>().max(1e-12);
    let mut mean = vec![0f64; dim];
    for (row, w) in rows.iter().zip(weights) {
        for (m, x) in mean.iter_mut().zip(row) {
            *m += x * w / total;
        }
    }
    let first = (0..n)
        .max_by(|&a, &b| {
            distance(&rows[a], &mean)
                .total_cmp(&distance(&rows[b], &mean))
                .then(b.cmp(&a))
        })
        .unwrap_or(0);
    let mut centres = vec![rows[first].clone()];
    let mut nearest: Vec<f64> = rows.iter().map(|r| distance(r, &centres[0])).collect();
    while centres.len() < k {
        let next = (0..n)
            .max_by(|&a, &b| nearest[a].total_cmp(&nearest[b]).then(b.cmp(&a)))
            .expect("rows");
        if nearest[next] <= 0.0 {
            break;
        }
        centres.push(rows[next].clone());
        for (d, r) in nearest.iter_mut().zip(rows) {
            *d = d.min(distance(r, centres.last().expect("a centre")));
        }
    }
    let mut labels = vec![0usize; n];
    for round in 0..rounds {
        let mut changed = false;
        for (i, row) in rows.iter().enumerate() {
            let best = (0..centres.len())
                .min_by(|&a, &b| distance(row, &centres[a]).total_cmp(&distance(row, &centres[b])))
                .expect("a centre");
            if best != labels[i] || round == 0 {
                changed |= best != labels[i];
                labels[i] = best;
            }
        }
        if !changed && round > 0 {
            break;
        }
        let mut sums = vec![vec![0f64; dim]; centres.len()];
        let mut mass = vec![0f64; centres.len()];
        for ((row, &l), &w) in rows.iter().zip(&labels).zip(weights) {
            for (s, x) in sums[l].iter_mut().zip(row) {
                *s += x * w;
            }
            mass[l] += w;
        }
        for (c, (s, m)) in centres.iter_mut().zip(sums.into_iter().zip(mass)) {
            if m > 0.0 {
                *c = s.into_iter().map(|x| x / m).collect();
            }
        }
    }
    let mut numbering: Vec<Option<usize>> = vec![None; centres.len()];
    let mut next = 0;
    labels
        .into_iter()
        .map(|l| {
            *numbering[l].get_or_insert_with(|| {
                next += 1;
                next - 1
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `count` groups of `each` unit vectors around orthogonal axes, jittered deterministically.
    fn groups(count: usize, each: usize, spread: f32) -> (Vec<Vec<f32>>, Vec<usize>) {
        let dim = 16;
        let mut items = Vec::new();
        let mut truth = Vec::new();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut noise = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % 2001) as f32 / 1000.0 - 1.0
        };
        for g in 0..count {
            for _ in 0..each {
                let mut v: Vec<f32> = (0..dim).map(|_| noise() * spread).collect();
                v[g] += 1.0;
                let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                items.push(v.into_iter().map(|x| x / norm).collect());
                truth.push(g);
            }
        }
        (items, truth)
    }

    fn agree(labels: &[usize], truth: &[usize]) -> bool {
        // the same partition, whatever the numbering
        labels
            .iter()
            .zip(truth)
            .all(|(a, b)| labels.iter().zip(truth).all(|(c, d)| (a == c) == (b == d)))
    }

    #[test]
    fn it_counts_and_separates_clear_groups() {
        for count in [2, 3, 5, 8] {
            let (items, truth) = groups(count, 12, 0.15);
            let found = cluster(&items, 1, 10);
            assert_eq!(found.count, count, "p {} gap {}", found.p, found.gap);
            assert!(agree(&found.labels, &truth), "{:?}", found.labels);
        }
    }

    #[test]
    fn one_group_stays_one() {
        let (items, _) = groups(1, 30, 0.15);
        assert_eq!(cluster(&items, 1, 10).count, 1);
    }

    #[test]
    fn bounds_are_kept() {
        let (items, _) = groups(4, 10, 0.15);
        let capped = cluster(&items, 1, 2).count;
        assert!((1..=2).contains(&capped), "{capped}");
        assert_eq!(cluster(&items, 2, 2).count, 2);
        // more than the data holds: at least its 4 groups, never more than asked
        let forced = cluster(&items, 6, 10).count;
        assert!((4..=10).contains(&forced), "{forced}");
        assert_eq!(cluster(&items, 3, 3).count, 3);
        assert_eq!(cluster(&items[..1], 1, 10).labels, [0]);
        // three windows: no room to vary the pruning (this panicked on a 3-window GSM call)
        for k in 1..=3 {
            assert_eq!(cluster(&items[..3], 1, k).labels.len(), 3);
        }
        assert!(cluster::<Vec<f32>>(&[], 1, 10).labels.is_empty());
    }

    #[test]
    fn it_is_deterministic() {
        let (items, _) = groups(3, 20, 0.4);
        assert_eq!(cluster(&items, 1, 10), cluster(&items, 1, 10));
    }

    #[test]
    fn reduce_keeps_groups_apart_and_weights() {
        let (items, truth) = groups(3, 40, 0.1);
        let weights = vec![2.0; items.len()];
        let (centroids, mass, labels) = reduce(&items, &weights, 12);
        assert!(centroids.len() <= 12 && centroids.len() >= 3);
        assert!((mass.iter().sum::<f32>() - 240.0).abs() < 1e-3);
        // no centroid mixes two groups
        for c in 0..centroids.len() {
            let groups: std::collections::BTreeSet<usize> = labels
                .iter()
                .zip(&truth)
                .filter(|(l, _)| **l == c)
                .map(|(_, t)| *t)
                .collect();
            assert_eq!(groups.len(), 1, "centroid {c}");
        }
    }
}
