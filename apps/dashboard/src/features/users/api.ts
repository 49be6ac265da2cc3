import { type Role, routes } from '@bulkhead/contracts';
import { api } from '../../api/client';

export const fetchUsers = (signal?: AbortSignal) => api.call(routes.listUsers, { signal });
export const createUser = (body: { username: string; password: string; role: Role }) => api.call(routes.createUser, { body });
export const disableUser = (userId: string) => api.call(routes.disableUser, { params: { userId } });
