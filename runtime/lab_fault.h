/*
 * lab_fault.h - deliberate faults for the device lab's test of itself.
 *
 * `make lab LAB_FAULT=NAME` builds the runtime with -DLAB_FAULT=NAME; each
 * NAME breaks one behaviour so that the lab's checks of it fail
 * (tests/lab/faults.sh lists which).  In every other build RT_FAULT(x)
 * is 0 and the compiler drops the faulty branches.
 */
#ifndef EDGENET_LAB_FAULT_H
#define EDGENET_LAB_FAULT_H

#ifdef LAB_FAULT
#include <string.h>
#define RT_FAULT_STR2(x)	#x
#define RT_FAULT_STR(x)		RT_FAULT_STR2(x)
#define RT_FAULT(name)		(strcmp(RT_FAULT_STR(LAB_FAULT), #name) == 0)
#else
#define RT_FAULT(name)		0
#endif

#endif
