import { createRouter, createWebHistory, type RouteRecordRaw, type Router, type RouterHistory } from 'vue-router'
import type { MessageKey } from './i18n'

declare module 'vue-router' {
  interface RouteMeta {
    /** The page title, shown in the tab and read by screen readers on navigation. */
    titleKey: MessageKey
  }
}

/**
 * Every page is its own chunk (`() => import()`): a phone joining a session downloads the node
 * page and the shell, never the experiment page's charts.
 */
export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: () => import('./pages/HomePage.vue'), meta: { titleKey: 'titles.home' } },
  { path: '/join/:sessionId?', name: 'join', component: () => import('./pages/JoinPage.vue'), meta: { titleKey: 'titles.join' } },
  {
    path: '/node/:sessionId/:nodeId',
    name: 'node',
    component: () => import('./pages/NodePage.vue'),
    meta: { titleKey: 'titles.node' },
  },
  {
    path: '/experiment',
    name: 'experiment',
    component: () => import('./pages/ExperimentPage.vue'),
    meta: { titleKey: 'titles.experiment' },
  },
  {
    path: '/history/:sessionId?',
    name: 'history',
    component: () => import('./pages/HistoryPage.vue'),
    meta: { titleKey: 'titles.history' },
  },
  {
    path: '/:unknown(.*)*',
    name: 'not-found',
    component: () => import('./pages/NotFoundPage.vue'),
    meta: { titleKey: 'titles.notFound' },
  },
]

export function createAppRouter(history: RouterHistory = createWebHistory()): Router {
  return createRouter({ history, routes, scrollBehavior: () => ({ top: 0 }) })
}
