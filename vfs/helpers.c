// SPDX-License-Identifier: GPL-2.0
/*
 * One-line wrappers for static inlines that Rust cannot reach. Nothing else
 * belongs here: all logic is Rust.
 */
#include "helpers.h"

const struct cred *aufs_override_creds(const struct cred *cred) { return override_creds(cred); }
const struct cred *aufs_revert_creds(const struct cred *old) { return revert_creds(old); }
const struct cred *aufs_current_cred(void) { return current_cred(); }
void aufs_sysfs_attr_init(struct attribute *attr) { sysfs_attr_init(attr); }
struct dentry *aufs_dget(struct dentry *dentry) { return dget(dentry); }
void aufs_posix_acl_release(struct posix_acl *acl) { posix_acl_release(acl); }
void aufs_init_sync_kiocb(struct kiocb *kiocb, struct file *file) { init_sync_kiocb(kiocb, file); }
void aufs_kvfree_rcu(void *ptr) { kvfree_rcu_mightsleep(ptr); }
void aufs_inode_lock_parent(struct inode *dir) { inode_lock_nested(dir, I_MUTEX_PARENT); }
void aufs_inode_lock_child(struct inode *inode) { inode_lock_nested(inode, I_MUTEX_CHILD); }
int aufs_iocb_flags(struct file *file) { return iocb_flags(file); }
struct workqueue_struct *aufs_alloc_workqueue(const char *name) { return alloc_workqueue("%s", WQ_UNBOUND, 0, name); }
void aufs_flush_workqueue(struct workqueue_struct *wq) { flush_workqueue(wq); }
bool aufs_current_maps_owner(u32 uid, u32 gid) { return kuid_has_mapping(current_user_ns(), KUIDT_INIT(uid)) && kgid_has_mapping(current_user_ns(), KGIDT_INIT(gid)); }
bool aufs_in_ia32_syscall(void) { return in_ia32_syscall(); }
