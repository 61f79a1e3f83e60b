"""k-means by Newton's method: the gradient divided by the Hessian's diagonal.

    python examples/kmeans_newton.py

The k-means loss sum_i min_k |x_i - c_k|^2 has a Hessian that is diagonal in the centers
(2 * count_k on center k's coordinates), so H @ ones gives its diagonal without forming H:
one Hessian-vector product, srcad.hvp, which is the forward-mode transform of srcad's
generated gradient code. A Newton step c - grad / diag(H) moves each center to the mean
of its points: exactly Lloyd's update, which the example checks.
"""
import numpy as np

import srcad


def kmeans_loss(centers, points):
    distances = np.sum((points[:, None, :] - centers[None, :, :]) ** 2, axis=2)
    return np.sum(np.min(distances, axis=1))


def newton_step(centers, points):
    gradient = srcad.grad(kmeans_loss)(centers, points)
    diagonal = srcad.hvp(kmeans_loss)(centers, points, np.ones_like(centers))
    return centers - gradient / diagonal


def lloyd_step(centers, points):
    nearest = np.argmin(np.sum((points[:, None, :] - centers[None, :, :]) ** 2, axis=2), axis=1)
    return np.stack([points[nearest == k].mean(axis=0) for k in range(len(centers))])


def main(seed=0, steps=5):
    rng = np.random.default_rng(seed)
    truth = np.array([[0.0, 0.0], [4.0, 4.0], [0.0, 5.0]])
    points = np.concatenate([c + rng.normal(scale=0.6, size=(60, 2)) for c in truth])
    centers = points[rng.choice(len(points), 3, replace=False)]
    for step in range(steps):
        newton, lloyd = newton_step(centers, points), lloyd_step(centers, points)
        print(f"step {step}: loss {kmeans_loss(centers, points):9.3f}; "
              f"|Newton - Lloyd| = {np.max(np.abs(newton - lloyd)):.2e}")
        centers = newton
    print("centers:", np.round(centers[np.argsort(centers[:, 0] + centers[:, 1])], 3).tolist())
    return centers, points


if __name__ == "__main__":
    main()
