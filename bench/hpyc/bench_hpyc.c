/* The benchmark workload of bench/README.md in HPy C (hpy 0.9.0), built twice by setup.py:
 * CPython ABI (`--hpy-abi=cpython`) and universal (`--hpy-abi=universal`). Written with the
 * same care as bench/capi/bench_capi.c: manual argument checks where that is what a careful
 * author would write, HPyArg_ParseKeywords for keyword arguments (HPy offers no cheaper way to
 * match keyword names), HPy_GetItem_i over the list (HPy 0.9 has no borrowed item access). */

#include "hpy.h"
#include <math.h>

HPyDef_METH(noop, "noop", HPyFunc_NOARGS)
static HPy
noop_impl(HPyContext *ctx, HPy self)
{
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(add_ints, "add_ints", HPyFunc_VARARGS)
static HPy
add_ints_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "add_ints() takes 2 positional arguments");
        return HPy_NULL;
    }
    long a = HPyLong_AsLong(ctx, args[0]);
    if (a == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    long b = HPyLong_AsLong(ctx, args[1]);
    if (b == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    long sum;
    if (__builtin_add_overflow(a, b, &sum)) {
        HPyErr_SetString(ctx, ctx->h_OverflowError, "add_ints: the sum does not fit in 64 bits");
        return HPy_NULL;
    }
    return HPyLong_FromLong(ctx, sum);
}

static HPy
sum_floats(HPyContext *ctx, HPy lst)
{
    if (!HPyList_Check(ctx, lst)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "sum_list() argument 'lst': expected list");
        return HPy_NULL;
    }
    HPy_ssize_t n = HPy_Length(ctx, lst);
    if (n < 0)
        return HPy_NULL;
    double total = 0.0;
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy item = HPy_GetItem_i(ctx, lst, i);
        if (HPy_IsNull(item))
            return HPy_NULL;
        double v = HPyFloat_AsDouble(ctx, item);
        HPy_Close(ctx, item);
        if (v == -1.0 && HPyErr_Occurred(ctx))
            return HPy_NULL;
        total += v;
    }
    return HPyFloat_FromDouble(ctx, total);
}

HPyDef_METH(sum_list, "sum_list", HPyFunc_O)
static HPy
sum_list_impl(HPyContext *ctx, HPy self, HPy lst)
{
    return sum_floats(ctx, lst);
}

/* The C loop is the reference for the Rust `Vec<f64>` conversion too. */
HPyDef_METH(sum_list_vec, "sum_list_vec", HPyFunc_O)
static HPy
sum_list_vec_impl(HPyContext *ctx, HPy self, HPy lst)
{
    return sum_floats(ctx, lst);
}

HPyDef_METH(kwargs, "kwargs", HPyFunc_KEYWORDS)
static HPy
kwargs_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    static const char *kwlist[] = {"a", "b", "c", NULL};
    long a, b = 0, c = 0;
    if (!HPyArg_ParseKeywords(ctx, NULL, args, nargs, kwnames, "l|ll", kwlist, &a, &b, &c))
        return HPy_NULL;
    long sum;
    if (__builtin_add_overflow(a, b, &sum) || __builtin_add_overflow(sum, c, &sum)) {
        HPyErr_SetString(ctx, ctx->h_OverflowError, "kwargs: the sum does not fit in 64 bits");
        return HPy_NULL;
    }
    return HPyLong_FromLong(ctx, sum);
}

HPyDef_METH(str_roundtrip, "str_roundtrip", HPyFunc_O)
static HPy
str_roundtrip_impl(HPyContext *ctx, HPy self, HPy s)
{
    HPy_ssize_t n;
    const char *utf8 = HPyUnicode_AsUTF8AndSize(ctx, s, &n);
    if (utf8 == NULL)
        return HPy_NULL;
    /* The UTF-8 buffer of a str is NUL-terminated (HPy 0.9 has no FromStringAndSize). */
    return HPyUnicode_FromString(ctx, utf8);
}

static int
set_int(HPyContext *ctx, HPy d, const char *key, long value)
{
    HPy v = HPyLong_FromLong(ctx, value);
    if (HPy_IsNull(v))
        return -1;
    int r = HPy_SetItem_s(ctx, d, key, v);
    HPy_Close(ctx, v);
    return r;
}

HPyDef_METH(small_dict, "small_dict", HPyFunc_NOARGS)
static HPy
small_dict_impl(HPyContext *ctx, HPy self)
{
    HPy d = HPyDict_New(ctx);
    if (HPy_IsNull(d))
        return HPy_NULL;
    if (set_int(ctx, d, "a", 1) < 0 || set_int(ctx, d, "b", 2) < 0 || set_int(ctx, d, "c", 3) < 0) {
        HPy_Close(ctx, d);
        return HPy_NULL;
    }
    return d;
}

/* ---------------------------------------------------------------------------------------- */

typedef struct {
    double x;
    double y;
} PointObject;

HPyType_HELPERS(PointObject)

HPyDef_SLOT(Point_new, HPy_tp_new)
static HPy
Point_new_impl(HPyContext *ctx, HPy cls, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    if (!HPy_IsNull(kw) && HPy_Length(ctx, kw) != 0) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "Point() takes no keyword arguments");
        return HPy_NULL;
    }
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "Point() takes exactly 2 arguments (x, y)");
        return HPy_NULL;
    }
    double x = HPyFloat_AsDouble(ctx, args[0]);
    if (x == -1.0 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    double y = HPyFloat_AsDouble(ctx, args[1]);
    if (y == -1.0 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    PointObject *p;
    HPy h = HPy_New(ctx, cls, &p);
    if (HPy_IsNull(h))
        return HPy_NULL;
    p->x = x;
    p->y = y;
    return h;
}

HPyDef_METH(Point_norm, "norm", HPyFunc_NOARGS, .doc = "The distance from the origin.")
static HPy
Point_norm_impl(HPyContext *ctx, HPy self)
{
    PointObject *p = PointObject_AsStruct(ctx, self);
    return HPyFloat_FromDouble(ctx, hypot(p->x, p->y));
}

HPyDef_GETSET(Point_x, "x", .doc = "The x coordinate.")
static HPy
Point_x_get(HPyContext *ctx, HPy self, void *closure)
{
    return HPyFloat_FromDouble(ctx, PointObject_AsStruct(ctx, self)->x);
}

static int
Point_x_set(HPyContext *ctx, HPy self, HPy value, void *closure)
{
    if (HPy_IsNull(value)) {
        HPyErr_SetString(ctx, ctx->h_AttributeError, "cannot delete x");
        return -1;
    }
    double v = HPyFloat_AsDouble(ctx, value);
    if (v == -1.0 && HPyErr_Occurred(ctx))
        return -1;
    PointObject_AsStruct(ctx, self)->x = v;
    return 0;
}

HPyDef_GETSET(Point_y, "y", .doc = "The y coordinate.")
static HPy
Point_y_get(HPyContext *ctx, HPy self, void *closure)
{
    return HPyFloat_FromDouble(ctx, PointObject_AsStruct(ctx, self)->y);
}

static int
Point_y_set(HPyContext *ctx, HPy self, HPy value, void *closure)
{
    if (HPy_IsNull(value)) {
        HPyErr_SetString(ctx, ctx->h_AttributeError, "cannot delete y");
        return -1;
    }
    double v = HPyFloat_AsDouble(ctx, value);
    if (v == -1.0 && HPyErr_Occurred(ctx))
        return -1;
    PointObject_AsStruct(ctx, self)->y = v;
    return 0;
}

static HPyDef *Point_defines[] = {&Point_new, &Point_norm, &Point_x, &Point_y, NULL};

static HPyType_Spec Point_spec = {
    .name = "bench_hpyc.Point",
    .doc = "A point in the plane.",
    .basicsize = sizeof(PointObject),
    .builtin_shape = HPyType_BuiltinShape_Object,
    .defines = Point_defines,
};

/* ---------------------------------------------------------------------------------------- */

HPyDef_SLOT(module_exec, HPy_mod_exec)
static int
module_exec_impl(HPyContext *ctx, HPy m)
{
    if (!HPyHelpers_AddType(ctx, m, "Point", &Point_spec, NULL))
        return -1;
#ifdef HPY_ABI_CPYTHON
    const char *abi = "cpython";
#else
    const char *abi = "universal";
#endif
    HPy s = HPyUnicode_FromString(ctx, abi);
    if (HPy_IsNull(s))
        return -1;
    int r = HPy_SetAttr_s(ctx, m, "ABI", s);
    HPy_Close(ctx, s);
    return r;
}

static HPyDef *module_defines[] = {
    &noop, &add_ints, &sum_list, &sum_list_vec, &kwargs, &str_roundtrip, &small_dict,
    &module_exec, NULL,
};

static HPyModuleDef module_def = {
    .doc = "The benchmark workload in HPy C.",
    .size = 0,
    .defines = module_defines,
};

HPy_MODINIT(bench_hpyc, module_def)
