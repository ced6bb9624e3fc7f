#ifndef RM_VERSION_H
#define RM_VERSION_H
#define RM_VERSION "0.1.0"
#endif
