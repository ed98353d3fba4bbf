/* SPDX-License-Identifier: GPL-2.0 */
/* Headers whose items kernel::bindings lacks; see bindgen_allowlist. */
#include <linux/anon_inodes.h>
#include <linux/backing-file.h>
#include <linux/cred.h>
#include <linux/fileattr.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/fs_parser.h>
#include <linux/fs_stack.h>
#include <linux/fsnotify_backend.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/statfs.h>
#include <uapi/linux/magic.h>

#include "helpers.h"

/* Macros bindgen cannot evaluate, as constants it can. */
const unsigned int AUFS_LOOKUP_FOLLOW = LOOKUP_FOLLOW;
const unsigned int AUFS_LOOKUP_DIRECTORY = LOOKUP_DIRECTORY;
const unsigned int AUFS_LOOKUP_RCU = LOOKUP_RCU;
const unsigned int AUFS_FMODE_WRITE = (__force unsigned int)FMODE_WRITE;
const unsigned int AUFS_FMODE_CAN_ODIRECT = (__force unsigned int)FMODE_CAN_ODIRECT;
const unsigned int AUFS_COPY_FILE_SPLICE = COPY_FILE_SPLICE;
const unsigned long AUFS_SB_RDONLY = SB_RDONLY;
const unsigned long AUFS_SB_POSIXACL = SB_POSIXACL;
const long long AUFS_MAX_LFS_FILESIZE = MAX_LFS_FILESIZE;
/* udba=notify: the events on a branch dir that can change what the union shows. */
const unsigned int AUFS_FS_UDBA_MASK = FS_CREATE | FS_DELETE | FS_MOVED_FROM | FS_MOVED_TO |
	FS_DELETE_SELF | FS_MOVE_SELF | FS_ATTRIB | FS_EVENT_ON_CHILD;
const int AUFS_FSNOTIFY_GROUP_DUPS = FSNOTIFY_GROUP_DUPS;
/* The flag a multigrain filesystem keeps in i_ctime_nsec (inode_get_ctime masks it). */
const unsigned int AUFS_I_CTIME_QUERIED = I_CTIME_QUERIED;
const unsigned int AUFS_FSNOTIFY_OBJ_TYPE_INODE = FSNOTIFY_OBJ_TYPE_INODE;
/* Filesystems that keep their files in memory (Path::fs_is_local). */
const unsigned long AUFS_TMPFS_MAGIC = TMPFS_MAGIC;
const unsigned long AUFS_RAMFS_MAGIC = RAMFS_MAGIC;
const int AUFS_FS_REQUIRES_DEV = FS_REQUIRES_DEV;
/* A reclaim that may enter filesystems (vfs/shrinker.rs). */
const gfp_t AUFS_GFP_FS = __GFP_FS;
#include <linux/xattr.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <linux/falloc.h>
#include <linux/posix_acl.h>
#include <uapi/linux/posix_acl.h>
