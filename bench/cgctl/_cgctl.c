/* Callgrind client requests for bench/measure.py: switch event collection on and off around
 * the measured loop and dump the counters, so that one valgrind run measures every pair.
 * Outside valgrind every request is a no-op. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <valgrind/callgrind.h>

static PyObject *
running_on_valgrind(PyObject *self, PyObject *unused)
{
    return PyBool_FromLong(RUNNING_ON_VALGRIND != 0);
}

static PyObject *
toggle_collect(PyObject *self, PyObject *unused)
{
    CALLGRIND_TOGGLE_COLLECT;
    Py_RETURN_NONE;
}

static PyObject *
dump(PyObject *self, PyObject *label)
{
    const char *s = PyUnicode_AsUTF8(label);
    if (s == NULL)
        return NULL;
    CALLGRIND_DUMP_STATS_AT(s);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"running_on_valgrind", running_on_valgrind, METH_NOARGS, "Whether valgrind runs us."},
    {"toggle_collect", toggle_collect, METH_NOARGS, "Switches callgrind's collection on/off."},
    {"dump", dump, METH_O, "Dumps callgrind's counters (and zeroes them), with a label."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_cgctl", "Callgrind client requests.", -1, methods,
};

PyMODINIT_FUNC
PyInit__cgctl(void)
{
    return PyModule_Create(&module_def);
}
