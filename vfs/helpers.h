/* SPDX-License-Identifier: GPL-2.0 */
/* Prototypes of the one-line wrappers in helpers.c. */
#ifndef AUFS_RS_HELPERS_H
#define AUFS_RS_HELPERS_H
#include <linux/cred.h>
#include <linux/uidgid.h>
#include <linux/fs.h>
#include <linux/sysfs.h>
#include <linux/posix_acl.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

const struct cred *aufs_override_creds(const struct cred *cred);
const struct cred *aufs_revert_creds(const struct cred *old);
const struct cred *aufs_current_cred(void);
void aufs_init_sync_kiocb(struct kiocb *kiocb, struct file *file);
struct dentry *aufs_dget(struct dentry *dentry);
void aufs_posix_acl_release(struct posix_acl *acl);
void aufs_sysfs_attr_init(struct attribute *attr);
void aufs_kvfree_rcu(void *ptr);
void aufs_inode_lock_parent(struct inode *dir);
void aufs_inode_lock_child(struct inode *inode);
int aufs_iocb_flags(struct file *file);
struct workqueue_struct *aufs_alloc_workqueue(const char *name);
void aufs_flush_workqueue(struct workqueue_struct *wq);
bool aufs_current_maps_owner(u32 uid, u32 gid);
bool aufs_in_ia32_syscall(void);
#endif
