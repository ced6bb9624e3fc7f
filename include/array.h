/* Fixed-size arrays. */
#ifndef RM_ARRAY_H
#define RM_ARRAY_H

/* The number of elements of array `a` (an array, not a pointer to one). */
#define RM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
