"""The benchmark's workloads: numerical loops written once against a numpy-like module `np`
(piconumpy, or the pure-Python list version in purepy.py), each returning a checksum that
every implementation must reproduce.

* `projectiles`: RK4 integration of balls flying through air with quadratic drag and a
  side wind, bouncing off the ground. The state of a ball is a 4-element array, and every
  step evaluates the derivative four times (a new array from a list) and combines the
  stages with a dozen small-array operations: the cost of a call, of converting a number
  and of allocating an array, repeated, is what it measures.
* `diffusion`: heat spreading along an insulated rod (explicit finite differences on 400
  cells), with slices: a few operations per step, each on hundreds of elements: what it
  measures is arithmetic in bulk.
* `nbody`: 2-D gravitational N-body, the forces summed in Python over every pair of bodies,
  reading positions and masses element by element (`xs[j]`), and the velocities and
  positions updated with in-place array operations: element access, mostly.
"""

import math

G = 9.81


def _projectile_rhs(np, s, wind, drag):
    vx = s[2]
    vy = s[3]
    rx = vx - wind
    k = drag * (rx * rx + vy * vy) ** 0.5
    return np.array([vx, vy, -k * rx, -G - k * vy])


def _rk4_step(np, s, dt, wind, drag):
    f = _projectile_rhs
    k1 = f(np, s, wind, drag)
    k2 = f(np, s + k1 * (dt / 2), wind, drag)
    k3 = f(np, s + k2 * (dt / 2), wind, drag)
    k4 = f(np, s + k3 * dt, wind, drag)
    return s + (k1 + 2.0 * k2 + 2.0 * k3 + k4) * (dt / 6)


def projectiles(np, n_balls=10, n_steps=1000):
    total = 0.0
    for b in range(n_balls):
        angle = 0.3 + 1.0 * b / n_balls
        s = np.array([0.0, 1.0, 25.0 * math.cos(angle), 25.0 * math.sin(angle)])
        for _ in range(n_steps):
            s = _rk4_step(np, s, 0.01, 3.0, 0.02)
            if s[1] < 0.0:  # bounce, losing a fifth of the vertical speed
                s[1] = -s[1]
                s[3] = -0.8 * s[3]
        total += s[0] + s[1]
    return total


def diffusion(np, n=400, n_steps=2000):
    u = np.zeros(n)
    u[n // 2 - 20 : n // 2 + 20] = 100.0
    alpha = 0.25
    for _ in range(n_steps):
        lap = u[2:] - 2.0 * u[1:-1] + u[:-2]
        u[1:-1] = u[1:-1] + alpha * lap
        u[0] = u[1]  # insulated ends
        u[-1] = u[-2]
    return sum(u.tolist()) + u[n // 2]


def nbody(np, n=32, n_steps=100):
    angles = [2 * math.pi * i / n for i in range(n)]
    xs = np.array([math.cos(a) * (1 + 0.1 * i) for i, a in enumerate(angles)])
    ys = np.array([math.sin(a) * (1 + 0.1 * i) for i, a in enumerate(angles)])
    vx = np.array([-0.3 * math.sin(a) for a in angles])
    vy = np.array([0.3 * math.cos(a) for a in angles])
    m = np.full(n, 1.0 / n)
    dt = 0.01
    soft = 0.01
    for _ in range(n_steps):
        ax = np.zeros(n)
        ay = np.zeros(n)
        for i in range(n):
            xi = xs[i]
            yi = ys[i]
            fx = 0.0
            fy = 0.0
            for j in range(n):
                if j != i:
                    dx = xs[j] - xi
                    dy = ys[j] - yi
                    r2 = dx * dx + dy * dy + soft
                    w = m[j] / (r2 * r2**0.5)
                    fx += dx * w
                    fy += dy * w
            ax[i] = fx
            ay[i] = fy
        vx += ax * dt
        vy += ay * dt
        xs += vx * dt
        ys += vy * dt
    return sum(xs.tolist()) + sum(ys.tolist()) + vx[0]


WORKLOADS = {
    "projectiles": projectiles,
    "diffusion": diffusion,
    "nbody": nbody,
}
