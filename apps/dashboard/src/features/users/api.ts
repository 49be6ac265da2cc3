import { type Role, routes } from '@bulkhead/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { userKeys } from './keys';

export const useUsers = () => useQuery({ queryKey: userKeys.all, queryFn: ({ signal }) => api.call(routes.listUsers, { signal }) });

/** Adding or disabling someone changes the list of users, which shows again once read. */
function useUserChange<V, R>(change: (variables: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: change, onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.all }) });
}

export const useCreateUser = () =>
  useUserChange((body: { username: string; password: string; role: Role }) => api.call(routes.createUser, { body }));
export const useDisableUser = () => useUserChange((userId: string) => api.call(routes.disableUser, { params: { userId } }));
