/* The benchmark workload of bench/README.md in the plain CPython C API: the reference every
 * other implementation is measured against. Written the way a careful C extension author
 * would: the cheapest calling convention for each function (METH_NOARGS, METH_O,
 * METH_FASTCALL, METH_FASTCALL | METH_KEYWORDS), borrowed list items, a static type whose
 * tp_new reads its arguments tuple directly, and a PyGetSetDef getter. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

static PyObject *
noop(PyObject *self, PyObject *unused)
{
    Py_RETURN_NONE;
}

static PyObject *
add_ints(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "add_ints() takes 2 positional arguments but %zd were given",
                     nargs);
        return NULL;
    }
    long a = PyLong_AsLong(args[0]);
    if (a == -1 && PyErr_Occurred())
        return NULL;
    long b = PyLong_AsLong(args[1]);
    if (b == -1 && PyErr_Occurred())
        return NULL;
    long sum;
    if (__builtin_add_overflow(a, b, &sum)) {
        PyErr_SetString(PyExc_OverflowError, "add_ints: the sum does not fit in 64 bits");
        return NULL;
    }
    return PyLong_FromLong(sum);
}

static PyObject *
sum_list(PyObject *self, PyObject *lst)
{
    if (!PyList_Check(lst)) {
        PyErr_SetString(PyExc_TypeError, "sum_list() argument 'lst': expected list");
        return NULL;
    }
    double total = 0.0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(lst); i++) {
        double v = PyFloat_AsDouble(PyList_GET_ITEM(lst, i));
        if (v == -1.0 && PyErr_Occurred())
            return NULL;
        total += v;
    }
    return PyFloat_FromDouble(total);
}

/* kwargs(a, b=0, c=0): vectorcall with keyword names, matched by identity with the interned
 * names first (what the caller's code object passes), by value otherwise. */
static PyObject *kw_names[3];
static const char *const kw_cnames[3] = {"a", "b", "c"};

static PyObject *
kwargs(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *slots[3] = {NULL, NULL, NULL};
    if (nargs > 3) {
        PyErr_Format(PyExc_TypeError, "kwargs() takes from 1 to 3 positional arguments but %zd were given",
                     nargs);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < nargs; i++)
        slots[i] = args[i];
    Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
    for (Py_ssize_t j = 0; j < nkw; j++) {
        PyObject *name = PyTuple_GET_ITEM(kwnames, j);
        int k;
        for (k = 0; k < 3; k++)
            if (name == kw_names[k])
                break;
        if (k == 3) {
            for (k = 0; k < 3; k++)
                if (PyUnicode_CompareWithASCIIString(name, kw_cnames[k]) == 0)
                    break;
        }
        if (k == 3) {
            PyErr_Format(PyExc_TypeError, "kwargs() got an unexpected keyword argument '%U'", name);
            return NULL;
        }
        if (slots[k] != NULL) {
            PyErr_Format(PyExc_TypeError, "kwargs() got multiple values for argument '%s'",
                         kw_cnames[k]);
            return NULL;
        }
        slots[k] = args[nargs + j];
    }
    if (slots[0] == NULL) {
        PyErr_SetString(PyExc_TypeError, "kwargs() missing 1 required positional argument: 'a'");
        return NULL;
    }
    long v[3] = {0, 0, 0};
    for (int k = 0; k < 3; k++) {
        if (slots[k] == NULL)
            continue;
        v[k] = PyLong_AsLong(slots[k]);
        if (v[k] == -1 && PyErr_Occurred())
            return NULL;
    }
    long sum;
    if (__builtin_add_overflow(v[0], v[1], &sum) || __builtin_add_overflow(sum, v[2], &sum)) {
        PyErr_SetString(PyExc_OverflowError, "kwargs: the sum does not fit in 64 bits");
        return NULL;
    }
    return PyLong_FromLong(sum);
}

static PyObject *
str_roundtrip(PyObject *self, PyObject *s)
{
    Py_ssize_t n;
    const char *utf8 = PyUnicode_AsUTF8AndSize(s, &n);
    if (utf8 == NULL)
        return NULL;
    return PyUnicode_FromStringAndSize(utf8, n);
}

static int
set_int(PyObject *d, const char *key, long value)
{
    PyObject *v = PyLong_FromLong(value);
    if (v == NULL)
        return -1;
    int r = PyDict_SetItemString(d, key, v);
    Py_DECREF(v);
    return r;
}

static PyObject *
small_dict(PyObject *self, PyObject *unused)
{
    PyObject *d = PyDict_New();
    if (d == NULL)
        return NULL;
    if (set_int(d, "a", 1) < 0 || set_int(d, "b", 2) < 0 || set_int(d, "c", 3) < 0) {
        Py_DECREF(d);
        return NULL;
    }
    return d;
}

/* ---------------------------------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    double x;
    double y;
} PointObject;

static PyObject *
Point_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    if (kwds != NULL && PyDict_GET_SIZE(kwds) != 0) {
        PyErr_SetString(PyExc_TypeError, "Point() takes no keyword arguments");
        return NULL;
    }
    if (PyTuple_GET_SIZE(args) != 2) {
        PyErr_SetString(PyExc_TypeError, "Point() takes exactly 2 arguments (x, y)");
        return NULL;
    }
    double x = PyFloat_AsDouble(PyTuple_GET_ITEM(args, 0));
    if (x == -1.0 && PyErr_Occurred())
        return NULL;
    double y = PyFloat_AsDouble(PyTuple_GET_ITEM(args, 1));
    if (y == -1.0 && PyErr_Occurred())
        return NULL;
    PointObject *p = (PointObject *)type->tp_alloc(type, 0);
    if (p == NULL)
        return NULL;
    p->x = x;
    p->y = y;
    return (PyObject *)p;
}

static void
Point_dealloc(PyObject *self)
{
    Py_TYPE(self)->tp_free(self);
}

static PyObject *
Point_norm(PyObject *self, PyObject *unused)
{
    PointObject *p = (PointObject *)self;
    return PyFloat_FromDouble(hypot(p->x, p->y));
}

static PyObject *
Point_get_x(PyObject *self, void *closure)
{
    return PyFloat_FromDouble(((PointObject *)self)->x);
}

static int
Point_set_x(PyObject *self, PyObject *value, void *closure)
{
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "cannot delete x");
        return -1;
    }
    double v = PyFloat_AsDouble(value);
    if (v == -1.0 && PyErr_Occurred())
        return -1;
    ((PointObject *)self)->x = v;
    return 0;
}

static PyObject *
Point_get_y(PyObject *self, void *closure)
{
    return PyFloat_FromDouble(((PointObject *)self)->y);
}

static int
Point_set_y(PyObject *self, PyObject *value, void *closure)
{
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "cannot delete y");
        return -1;
    }
    double v = PyFloat_AsDouble(value);
    if (v == -1.0 && PyErr_Occurred())
        return -1;
    ((PointObject *)self)->y = v;
    return 0;
}

static PyMethodDef Point_methods[] = {
    {"norm", Point_norm, METH_NOARGS, "The distance from the origin."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Point_getset[] = {
    {"x", Point_get_x, Point_set_x, "The x coordinate.", NULL},
    {"y", Point_get_y, Point_set_y, "The y coordinate.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject PointType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "bench_capi.Point",
    .tp_doc = "A point in the plane.",
    .tp_basicsize = sizeof(PointObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = Point_new,
    .tp_dealloc = Point_dealloc,
    .tp_methods = Point_methods,
    .tp_getset = Point_getset,
};

/* ---------------------------------------------------------------------------------------- */

static PyMethodDef module_methods[] = {
    {"noop", noop, METH_NOARGS, "noop()"},
    {"add_ints", (PyCFunction)(void (*)(void))add_ints, METH_FASTCALL, "add_ints(a, b)"},
    {"sum_list", sum_list, METH_O, "sum_list(lst)"},
    /* The C loop is the reference for the Rust `Vec<f64>` conversion too. */
    {"sum_list_vec", sum_list, METH_O, "sum_list_vec(lst)"},
    {"kwargs", (PyCFunction)(void (*)(void))kwargs, METH_FASTCALL | METH_KEYWORDS,
     "kwargs(a, b=0, c=0)"},
    {"str_roundtrip", str_roundtrip, METH_O, "str_roundtrip(s)"},
    {"small_dict", small_dict, METH_NOARGS, "small_dict()"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "bench_capi",
    .m_doc = "The benchmark workload in the plain CPython C API.",
    .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC
PyInit_bench_capi(void)
{
    for (int k = 0; k < 3; k++) {
        if (kw_names[k] == NULL) {
            kw_names[k] = PyUnicode_InternFromString(kw_cnames[k]);
            if (kw_names[k] == NULL)
                return NULL;
        }
    }
    if (PyType_Ready(&PointType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (m == NULL)
        return NULL;
    Py_INCREF(&PointType);
    if (PyModule_AddObject(m, "Point", (PyObject *)&PointType) < 0) {
        Py_DECREF(&PointType);
        Py_DECREF(m);
        return NULL;
    }
    if (PyModule_AddStringConstant(m, "ABI", "capi") < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
