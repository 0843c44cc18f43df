//! `geometry`: vectors, points and containers as Python classes written in Rust on HPy.

use std::sync::atomic::{AtomicUsize, Ordering};

/// How many `Node` values were dropped (for the garbage-collection tests).
static NODES_DROPPED: AtomicUsize = AtomicUsize::new(0);

/// Two-dimensional geometry, from Rust.
#[hpy_core::module]
pub mod geometry {
    use super::*;
    use hpy_core::{CompareOp, Ctx, Error, Field, Handle, Ref, RefMut, Result};

    /// Which backend this build uses (the test harness checks it is the one it meant to test).
    #[hpy_core::module_init]
    fn init<'c>(ctx: Ctx<'c>, module: &Handle<'c>) -> Result<()> {
        module.setattr("ABI", hpy_core::ABI)?;
        module.setattr("CONTEXT_NAME", ctx.name())
    }

    /// A 2-D vector (immutable: `frozen`), with arithmetic.
    #[hpy_core::class(frozen)]
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct Vec2 {
        /// The x component.
        #[hpy(get)]
        pub x: f64,
        /// The y component.
        #[hpy(get)]
        pub y: f64,
    }

    #[hpy_core::methods]
    impl Vec2 {
        /// `Vec2(x=0.0, y=0.0)`
        #[new]
        #[hpy(signature = (x = 0.0, y = 0.0))]
        fn new(x: f64, y: f64) -> Self {
            Vec2 { x, y }
        }

        /// The zero vector.
        #[staticmethod]
        fn zero() -> Vec2 {
            Vec2 { x: 0.0, y: 0.0 }
        }

        /// A unit vector at `angle` radians, built through the class it is called on.
        #[classmethod]
        fn polar<'c>(cls: &Handle<'c>, angle: f64) -> Result<Handle<'c>> {
            cls.call(&[
                &cls.ctx().to_py(angle.cos())?,
                &cls.ctx().to_py(angle.sin())?,
            ])
        }

        /// Number of dimensions.
        #[classattr]
        const DIMENSIONS: usize = 2;

        /// The length of the vector.
        #[getter]
        fn length(&self) -> f64 {
            self.x.hypot(self.y)
        }

        /// The dot product.
        fn dot(&self, other: &Vec2) -> f64 {
            self.x * other.x + self.y * other.y
        }

        /// A copy scaled by `factor`.
        #[hpy(signature = (factor, /))]
        fn scaled(&self, factor: f64) -> Vec2 {
            Vec2 {
                x: self.x * factor,
                y: self.y * factor,
            }
        }

        fn __repr__(&self) -> String {
            format!("Vec2({:?}, {:?})", self.x, self.y)
        }

        fn __str__(&self) -> String {
            format!("({}, {})", self.x, self.y)
        }

        fn __hash__(&self) -> u64 {
            let mut h = self.x.to_bits().wrapping_mul(0x9E37_79B9_7F4A_7C15);
            h ^= self.y.to_bits().rotate_left(31);
            h
        }

        fn __eq__(&self, other: &Vec2) -> bool {
            self == other
        }

        fn __bool__(&self) -> bool {
            self.x != 0.0 || self.y != 0.0
        }

        fn __add__(&self, other: &Vec2) -> Vec2 {
            Vec2 {
                x: self.x + other.x,
                y: self.y + other.y,
            }
        }

        fn __sub__(&self, other: &Vec2) -> Vec2 {
            Vec2 {
                x: self.x - other.x,
                y: self.y - other.y,
            }
        }

        fn __mul__(&self, k: f64) -> Vec2 {
            self.scaled(k)
        }

        fn __rmul__(&self, k: f64) -> Vec2 {
            self.scaled(k)
        }

        fn __truediv__(&self, k: f64) -> Result<Vec2> {
            if k == 0.0 {
                return Err(Error::zero_division_error("Vec2 division by zero"));
            }
            Ok(self.scaled(1.0 / k))
        }

        fn __matmul__(&self, other: &Vec2) -> f64 {
            self.dot(other)
        }

        fn __neg__(&self) -> Vec2 {
            self.scaled(-1.0)
        }

        fn __pos__(&self) -> Vec2 {
            *self
        }

        fn __abs__(&self) -> f64 {
            self.length()
        }

        fn __len__(&self) -> usize {
            2
        }

        fn __getitem__(&self, i: isize) -> Result<f64> {
            match i {
                0 | -2 => Ok(self.x),
                1 | -1 => Ok(self.y),
                _ => Err(Error::index_error("Vec2 index out of range")),
            }
        }

        fn __iter__<'c>(&self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
            ctx.to_py((self.x, self.y))?.call_method("__iter__", ())
        }

        // Special methods Python looks up by name (no type slot): ordinary methods here.

        /// `Vec2[float]`: a generic alias, for annotations.
        #[classmethod]
        fn __class_getitem__<'c>(cls: &Handle<'c>, item: &Handle<'c>) -> Result<Handle<'c>> {
            let ctx = cls.ctx();
            let alias = ctx.import("types")?.getattr("GenericAlias")?;
            alias.call((cls, item))
        }

        /// `round(v)`, `round(v, n)`: both components rounded.
        #[hpy(signature = (ndigits = None))]
        fn __round__(&self, ndigits: Option<i32>) -> Vec2 {
            let scale = 10f64.powi(ndigits.unwrap_or(0));
            let r = |c: f64| (c * scale).round_ties_even() / scale;
            Vec2 {
                x: r(self.x),
                y: r(self.y),
            }
        }

        /// `format(v, spec)`: the spec applies to each component (`f"{v:.1f}"`).
        fn __format__<'c>(&self, ctx: Ctx<'c>, spec: &str) -> Result<String> {
            let format = ctx.builtin("format")?;
            let x: String = format.call((self.x, spec))?.extract()?;
            let y: String = format.call((self.y, spec))?.extract()?;
            Ok(format!("({x}, {y})"))
        }

        /// `copy.copy(v)`: a frozen vector is its own copy.
        fn __copy__<'c>(slf: Ref<'_, 'c, Self>) -> Handle<'c> {
            slf.handle().clone()
        }

        /// Pickling: rebuilt as `type(v)(x, y)`.
        fn __reduce__<'c>(slf: Ref<'_, 'c, Self>) -> Result<Handle<'c>> {
            let ctx = slf.ctx();
            ctx.to_py((slf.handle().get_type(), (slf.x, slf.y)))
        }

        /// `reversed(v)`: the components from `y`.
        fn __reversed__<'c>(&self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
            ctx.to_py((self.y, self.x))?.call_method("__iter__", ())
        }
    }

    /// A mutable point with a name.
    #[hpy_core::class(subclass)]
    pub struct Point {
        /// The x coordinate.
        #[hpy(get, set)]
        pub x: f64,
        /// The y coordinate.
        #[hpy(get, set)]
        pub y: f64,
        label: String,
    }

    #[hpy_core::methods]
    impl Point {
        #[new]
        #[hpy(signature = (x, y, label = "P"))]
        fn new(x: f64, y: f64, label: String) -> Self {
            Point { x, y, label }
        }

        /// The label, a property with a setter that validates.
        #[getter]
        fn label(&self) -> &str {
            &self.label
        }

        #[setter]
        fn set_label(&mut self, value: String) -> Result<()> {
            if value.is_empty() {
                return Err(Error::value_error("a Point label cannot be empty"));
            }
            self.label = value;
            Ok(())
        }

        /// Distance from the origin.
        fn norm(&self) -> f64 {
            self.x.hypot(self.y)
        }

        /// Moves the point.
        fn translate(&mut self, dx: f64, dy: f64) {
            self.x += dx;
            self.y += dy;
        }

        /// Moves this point onto `other` (both borrowed: `&mut self` and `&Point`).
        fn snap_to(&mut self, other: &Point) {
            self.x = other.x;
            self.y = other.y;
        }

        /// Swaps coordinates with another point (a second mutable borrow).
        fn swap_with(&mut self, other: &mut Point) {
            std::mem::swap(&mut self.x, &mut other.x);
            std::mem::swap(&mut self.y, &mut other.y);
        }

        /// Distance to `other`, or to the origin when it is `None` or left out (an optional
        /// borrowed argument: `Option<&Point>`).
        #[hpy(signature = (other = None))]
        fn distance(&self, other: Option<&Point>) -> f64 {
            let (ox, oy) = other.map_or((0.0, 0.0), |o| (o.x, o.y));
            (self.x - ox).hypot(self.y - oy)
        }

        /// Copies this point's coordinates into `target` when there is one; whether it did
        /// (an optional mutable borrow: `Option<&mut Point>`).
        fn copy_into(&self, target: Option<&mut Point>) -> bool {
            match target {
                Some(t) => {
                    t.x = self.x;
                    t.y = self.y;
                    true
                }
                None => false,
            }
        }

        /// The object itself, through the `slf` receiver.
        fn me<'a, 'c>(slf: Ref<'a, 'c, Self>) -> Handle<'c> {
            slf.handle().clone()
        }

        /// Calls `callback(self)` while `self` is borrowed mutably.
        fn with_callback<'c>(&mut self, callback: &Handle<'c>, me: &Handle<'c>) -> Result<()> {
            self.x += 1.0;
            callback.call(&[me])?;
            Ok(())
        }

        fn __repr__(slf: Ref<'_, '_, Self>) -> Result<String> {
            let cls = slf
                .handle()
                .get_type()
                .getattr("__name__")?
                .extract::<String>()?;
            Ok(format!(
                "{cls}({:?}, {:?}, label={:?})",
                slf.x, slf.y, slf.label
            ))
        }

        fn __richcmp__(&self, other: &Point, op: CompareOp) -> Result<bool> {
            match op {
                CompareOp::Eq => Ok(self.x == other.x && self.y == other.y),
                CompareOp::Ne => Ok(self.x != other.x || self.y != other.y),
                _ => Err(Error::type_error("Points are not ordered")),
            }
        }

        fn __iadd__(&mut self, other: &Vec2) {
            self.x += other.x;
            self.y += other.y;
        }
    }

    // Declared before its base on purpose: the module creates bases first, whatever the order.
    /// Raised when a polygon has no vertex (a `DegenerateError`).
    #[hpy_core::exception(base = DegenerateError)]
    pub struct EmptyPolygonError;

    /// Raised when a shape cannot be measured.
    #[hpy_core::exception(base = ValueError)]
    pub struct DegenerateError;

    /// A polygon: a container of vertices, with sequence and mapping protocols.
    #[hpy_core::class]
    #[derive(Default)]
    pub struct Polygon {
        vertices: Vec<Vec2>,
    }

    #[hpy_core::methods]
    impl Polygon {
        #[new]
        #[hpy(signature = (vertices = Vec::new()))]
        fn new(vertices: Vec<(f64, f64)>) -> Self {
            Polygon {
                vertices: vertices.into_iter().map(|(x, y)| Vec2 { x, y }).collect(),
            }
        }

        /// The average of the vertices.
        fn centroid(&self) -> Result<Vec2> {
            let n = self.vertices.len();
            if n == 0 {
                return Err(EmptyPolygonError::new_err(
                    "an empty polygon has no centroid",
                ));
            }
            if n < 3 {
                return Err(DegenerateError::new_err(format!(
                    "a polygon of {n} vertices is degenerate"
                )));
            }
            let (sx, sy) = self
                .vertices
                .iter()
                .fold((0.0, 0.0), |(a, b), v| (a + v.x, b + v.y));
            Ok(Vec2 {
                x: sx / n as f64,
                y: sy / n as f64,
            })
        }

        /// Adds a vertex.
        fn append(&mut self, v: &Vec2) {
            self.vertices.push(*v);
        }

        /// Removes and returns the last vertex; an empty polygon raises `EmptyPolygonError`
        /// with no arguments (an `#[exception]` struct converts into an `Error`).
        fn pop(&mut self) -> Result<Vec2> {
            let Some(v) = self.vertices.pop() else {
                Err(EmptyPolygonError)?
            };
            Ok(v)
        }

        /// The perimeter.
        #[getter]
        fn perimeter(&self) -> f64 {
            let n = self.vertices.len();
            (0..n)
                .map(|i| (self.vertices[(i + 1) % n].__sub__(&self.vertices[i])).length())
                .sum()
        }

        fn __len__(&self) -> usize {
            self.vertices.len()
        }

        fn __getitem__(&self, i: isize) -> Result<Vec2> {
            let n = self.vertices.len() as isize;
            let j = if i < 0 { i + n } else { i };
            if j < 0 || j >= n {
                return Err(Error::index_error("polygon index out of range"));
            }
            Ok(self.vertices[j as usize])
        }

        fn __setitem__(&mut self, i: usize, v: &Vec2) -> Result<()> {
            match self.vertices.get_mut(i) {
                Some(slot) => {
                    *slot = *v;
                    Ok(())
                }
                None => Err(Error::index_error("polygon assignment index out of range")),
            }
        }

        fn __delitem__(&mut self, i: usize) -> Result<()> {
            if i >= self.vertices.len() {
                return Err(Error::index_error("polygon deletion index out of range"));
            }
            self.vertices.remove(i);
            Ok(())
        }

        fn __contains__(&self, v: &Vec2) -> bool {
            self.vertices.contains(v)
        }

        /// `iter(polygon)`: the same iterator as `vertices()`.
        fn __iter__<'c>(slf: Ref<'_, 'c, Self>) -> Result<Handle<'c>> {
            Self::vertices(slf)
        }

        /// `with polygon as p:` gives the polygon; on leaving, a polygon of fewer than three
        /// vertices raises `DegenerateError`, unless an exception is already on its way
        /// (which `__exit__` lets through by returning `False`).
        fn __enter__<'c>(slf: Ref<'_, 'c, Self>) -> Handle<'c> {
            slf.handle().clone()
        }

        /// See `__enter__`.
        fn __exit__(
            &self,
            exc_type: &Handle<'_>,
            _exc: &Handle<'_>,
            _tb: &Handle<'_>,
        ) -> Result<bool> {
            if exc_type.is_none() && self.vertices.len() < 3 {
                return Err(DegenerateError::new_err(format!(
                    "a polygon of {} vertices is degenerate",
                    self.vertices.len()
                )));
            }
            Ok(false)
        }

        /// An iterator object over the vertices, holding the polygon in a `Field`.
        fn vertices<'c>(slf: Ref<'_, 'c, Self>) -> Result<Handle<'c>> {
            let it = slf.ctx().to_py(PolygonIter {
                polygon: Field::new(),
                index: 0,
                len: slf.vertices.len(),
            })?;
            let cell = RefMut::<PolygonIter>::borrow(&it)?;
            cell.store(&cell.polygon, Some(slf.handle()));
            drop(cell);
            Ok(it)
        }
    }

    /// Iterates over a polygon's vertices.
    #[hpy_core::class]
    pub struct PolygonIter {
        polygon: Field,
        index: usize,
        len: usize,
    }

    #[hpy_core::methods]
    impl PolygonIter {
        fn __iter__<'c>(slf: Ref<'_, 'c, Self>) -> Handle<'c> {
            slf.handle().clone()
        }

        fn __next__<'c>(slf: RefMut<'_, 'c, Self>) -> Result<Option<Handle<'c>>> {
            let Some(poly) = slf.load(&slf.polygon) else {
                return Ok(None);
            };
            let mut slf = slf;
            if slf.index >= slf.len {
                return Ok(None);
            }
            let i = slf.index;
            slf.index += 1;
            poly.get_item(i).map(Some)
        }
    }

    /// A graph node holding Python objects in `Field`s, to show reference cycles through Rust
    /// objects being collected.
    #[hpy_core::class(subclass)]
    pub struct Node {
        /// The payload object.
        #[hpy(get, set)]
        value: Field,
        /// Outgoing edges: a Python list kept in a field.
        edges: Field,
    }

    #[hpy_core::methods]
    impl Node {
        #[new]
        #[hpy(signature = (*args, **kwargs))]
        fn new(args: &Handle<'_>, kwargs: Option<&Handle<'_>>) -> Self {
            let _ = (args, kwargs);
            Node {
                value: Field::new(),
                edges: Field::new(),
            }
        }

        /// `Node(value=None)`: the fields can only be set once the object exists.
        #[hpy(signature = (value = None))]
        fn __init__<'c>(slf: Ref<'_, 'c, Self>, value: Option<&Handle<'c>>) -> Result<()> {
            slf.store(&slf.value, value);
            let edges = slf.ctx().to_py(Vec::<i64>::new())?;
            slf.store(&slf.edges, Some(&edges));
            Ok(())
        }

        /// Adds an edge to another object.
        fn link<'c>(slf: Ref<'_, 'c, Self>, target: &Handle<'c>) -> Result<()> {
            match slf.load(&slf.edges) {
                Some(list) => list.call_method("append", &[target]).map(drop),
                None => Err(Error::runtime_error("Node.__init__ was not called")),
            }
        }

        /// Reads `other`'s value through this node's borrow: a misuse (the `Field` is not
        /// this object's) that hpy-core refuses with a panic, raised as `PanicException`.
        /// `a.value_through(a)` is the correct use.
        fn value_through<'c>(slf: Ref<'_, 'c, Self>, other: &Node) -> Option<Handle<'c>> {
            slf.load(&other.value)
        }

        /// The objects this node links to.
        fn targets<'c>(slf: Ref<'_, 'c, Self>) -> Result<Vec<Handle<'c>>> {
            match slf.load(&slf.edges) {
                Some(list) => list.extract(),
                None => Ok(Vec::new()),
            }
        }

        /// How many nodes were dropped so far.
        #[staticmethod]
        fn dropped() -> usize {
            NODES_DROPPED.load(Ordering::SeqCst)
        }
    }

    impl Drop for Node {
        fn drop(&mut self) {
            NODES_DROPPED.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// A fixed-size array of floats that exports its memory (the buffer protocol): Python may
    /// write the samples through a `memoryview`, so they are `Cell`s.
    #[hpy_core::class]
    pub struct Samples {
        data: Vec<std::cell::Cell<f64>>,
    }

    #[hpy_core::methods]
    impl Samples {
        #[new]
        fn new(data: Vec<f64>) -> Self {
            Samples {
                data: data.into_iter().map(std::cell::Cell::new).collect(),
            }
        }

        /// Doubles every sample in place.
        fn double(&self) {
            self.data.iter().for_each(|x| x.set(x.get() * 2.0));
        }

        /// Appends a sample (needs `&mut self`: refused while a buffer is exported, since the
        /// memory could move).
        fn push(&mut self, x: f64) {
            self.data.push(std::cell::Cell::new(x));
        }

        /// The samples, read from Rust.
        fn values(&self) -> Vec<f64> {
            self.data.iter().map(std::cell::Cell::get).collect()
        }

        fn __getbuffer__(&self) -> hpy_core::class::Buffer<'_> {
            hpy_core::class::Buffer::cells(&self.data)
        }
    }

    /// Bytes exported read-only.
    #[hpy_core::class(frozen)]
    pub struct Blob {
        data: Vec<u8>,
    }

    #[hpy_core::methods]
    impl Blob {
        #[new]
        fn new(data: Vec<u8>) -> Self {
            Blob { data }
        }

        fn __getbuffer__(&self) -> hpy_core::class::Buffer<'_> {
            hpy_core::class::Buffer::new(&self.data)
        }
    }

    /// A counter exporting one writable `u64` through `&mut self` (one export at a time).
    #[hpy_core::class]
    pub struct Counter {
        value: [u64; 1],
    }

    #[hpy_core::methods]
    impl Counter {
        #[new]
        fn new() -> Self {
            Counter { value: [0] }
        }

        #[getter]
        fn value(&self) -> u64 {
            self.value[0]
        }

        fn __getbuffer__(&mut self) -> hpy_core::class::Buffer<'_> {
            hpy_core::class::Buffer::writable(&mut self.value)
        }
    }

    /// A class without a constructor: only Rust can make one.
    #[hpy_core::class]
    pub struct Token {
        #[hpy(get)]
        id: u32,
    }

    /// Makes a `Token` (the class itself has no constructor).
    #[hpy_core::function]
    fn make_token(id: u32) -> Token {
        Token { id }
    }

    /// `scale_in_place(shape, k)`: multiplies the vertices of a `Polygon` by `k`. Other
    /// objects are borrowed as a `Vec2`, mutably: a `Vec2` is immutable (its class is frozen),
    /// so that raises `TypeError`, as does an object that is not a `Vec2`.
    #[hpy_core::function]
    fn scale_in_place(shape: &Handle<'_>, k: f64) -> Result<()> {
        if hpy_core::class::is_instance::<Polygon>(shape)? {
            let mut poly = RefMut::<Polygon>::borrow(shape)?;
            for v in &mut poly.vertices {
                *v = Vec2 {
                    x: v.x * k,
                    y: v.y * k,
                };
            }
            return Ok(());
        }
        let mut v = RefMut::<Vec2>::borrow(shape)?;
        v.x *= k;
        v.y *= k;
        Ok(())
    }
}
